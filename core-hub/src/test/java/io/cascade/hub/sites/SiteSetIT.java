package io.cascade.hub.sites;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.proto.SiteRecord;
import io.cascade.topology.Subjects;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.FleetFile;
import io.cascade.topology.testing.FabricExtension;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub's site set in a real KV bucket: seeded from the fleet file, a later fleet file applied as
 * adds, updates and removes, an operator's removal kept across restarts even while the fleet file
 * still declares the site.
 */
class SiteSetIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    static Fleet fleet(String... sites) {
        StringBuilder yaml = new StringBuilder("name: t\nhub: {host: 127.0.0.1}\nregions:\n  - name: eu\n    sites:\n");
        for (String s : sites) {
            yaml.append("      - {name: ").append(s).append(", labels: {tier: store}}\n");
        }
        yaml.append("  - name: us\n    sites:\n      - {name: us-1, labels: {tier: gateway}}\n");
        return FleetFile.parse(yaml.toString(), "test");
    }

    @Test
    void theFleetFileSeedsThenChangesTheSetAndARemovalOutlivesRestarts() throws Exception {
        try (Connection nats = FABRIC.connectHub()) {
            nats.keyValueManagement().create(KeyValueConfiguration.builder().name(Subjects.KV_SITES)
                    .storageType(StorageType.File).build());
            KeyValue bucket = nats.keyValue(Subjects.KV_SITES);

            SiteSet first = SiteSet.open(bucket, fleet("eu-1", "eu-2", "eu-3"), Clock.systemUTC());
            assertThat(first.size()).isEqualTo(4);
            assertThat(first.regionOf("eu-2")).contains("eu");
            assertThat(first.regionOf("us-1")).contains("us");
            SiteRecord stored = SiteRecord.parseFrom(bucket.get("eu-2").getValue());
            assertThat(stored.getLabelsMap()).containsEntry("tier", "store");
            assertThat(stored.getSource()).isEqualTo(SiteRecord.Source.FLEET_FILE);

            assertThat(first.remove("eu-3", "decommissioned").getRegion()).isEqualTo("eu");
            assertThat(first.regionOf("eu-3")).isEmpty();
            assertThatThrownBy(() -> first.remove("eu-3", "again"))
                    .isInstanceOf(SiteException.class).hasMessageContaining("(it was removed before)");
            assertThatThrownBy(() -> first.remove("nowhere", ""))
                    .isInstanceOf(SiteException.class).hasMessage("the fleet has no site \"nowhere\"");

            // a restart with a changed fleet file: eu-1 left it, eu-4 joined, eu-3 is still declared but stays removed
            SiteSet second = SiteSet.open(bucket, fleet("eu-2", "eu-3", "eu-4"), Clock.systemUTC());
            assertThat(second.regionOf("eu-1")).isEmpty();
            assertThat(bucket.get("eu-1")).isNull();
            assertThat(second.regionOf("eu-4")).contains("eu");
            assertThat(second.regionOf("eu-3")).isEmpty();
            assertThat(second.removal("eu-3")).hasValueSatisfying(r -> assertThat(r.getReason()).isEqualTo("decommissioned"));
            assertThat(second.regionOf("eu-2")).contains("eu");
            assertThat(SiteRecord.parseFrom(bucket.get("eu-2").getValue()).getAddedAt()).isEqualTo(stored.getAddedAt());
            assertThat(second.size()).isEqualTo(3);
        }
    }
}
