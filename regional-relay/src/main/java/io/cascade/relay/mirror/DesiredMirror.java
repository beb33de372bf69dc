package io.cascade.relay.mirror;

import io.cascade.topology.Subjects;
import io.cascade.topology.client.Buckets;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.Mirror;
import io.nats.client.api.StorageType;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's {@code desired} bucket: a JetStream mirror, in the relay's own domain, of the hub's
 * {@code desired} bucket filtered to this region's keys, pulled across the leaf link through the
 * hub's domain API. Revisions are the hub's. The mirror catches up by itself after a relay restart
 * or a cut link; the relay only has to make sure it exists.
 */
public final class DesiredMirror {

    private static final Logger LOG = LoggerFactory.getLogger(DesiredMirror.class);

    private DesiredMirror() {}

    /** Creates the mirror bucket ({@code replicas} copies) if it is missing, checks its filter if present, and opens it. */
    public static KeyValue ensure(Connection nats, String region, int replicas)
            throws IOException, JetStreamApiException, InterruptedException {
        KeyValueManagement kvm = nats.keyValueManagement();
        String filter = Subjects.desiredRegionFilter(region);
        boolean created = Buckets.ensure(kvm, KeyValueConfiguration.builder()
                .name(Subjects.KV_DESIRED)
                .description("mirror of the hub's desired state for region " + region)
                .maxHistoryPerKey(1)
                .storageType(StorageType.File)
                .replicas(replicas)
                .mirror(Mirror.builder()
                        .sourceName(Subjects.KV_DESIRED)
                        .domain(Subjects.HUB_DOMAIN)
                        .filterSubject(filter)
                        .build())
                .build());
        if (created) {
            LOG.info("region {}: created the desired mirror (filter {}, from domain {}, {} copies)", region, filter,
                    Subjects.HUB_DOMAIN, replicas);
        } else {
            // it was there, or another relay service of the region made it in between
            Mirror m = kvm.getStatus(Subjects.KV_DESIRED).getConfiguration().getBackingConfig().getMirror();
            if (m == null || !filter.equals(m.getFilterSubject())) {
                throw new IllegalStateException("region " + region + ": bucket " + Subjects.KV_DESIRED
                        + " exists but is not a mirror filtered to " + filter + " (it is " + (m == null ? "no mirror" : m.getFilterSubject())
                        + "); this nats-server's store belongs to another region");
            }
        }
        return nats.keyValue(Subjects.KV_DESIRED);
    }
}
