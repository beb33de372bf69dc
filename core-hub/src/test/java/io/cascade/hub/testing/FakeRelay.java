package io.cascade.hub.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.proto.ListSitesRequest;
import io.cascade.proto.ListSitesResponse;
import io.cascade.proto.SiteEntry;
import io.cascade.proto.SiteStatus;
import io.cascade.topology.Subjects;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a relay answers on {@code cascade.query.<region>}, and nothing else: a plain NATS subscriber at the
 * relay's own nats-server that pages through a fixed list of sites (sorted by site), at most
 * {@code maxPerReply} per answer whatever the page size asked, with the next index as its page token.
 * A silent one subscribes but never answers. Records every request it gets.
 */
public final class FakeRelay implements AutoCloseable {

    private final Connection nats;
    private final List<SiteEntry> sites;
    private final int maxPerReply;
    private final boolean silent;
    private final List<ListSitesRequest> requests = new CopyOnWriteArrayList<>();

    private FakeRelay(io.cascade.topology.testing.FabricExtension fabric, String region, List<String> sites, int maxPerReply,
                      boolean silent) throws Exception {
        this.sites = sites.stream().sorted(Comparator.naturalOrder()).map(site -> entry(region, site)).toList();
        this.maxPerReply = maxPerReply;
        this.silent = silent;
        this.nats = fabric.connectRelay(region); // as the region's relay service, on its server
        Dispatcher dispatcher = nats.createDispatcher(this::answer);
        dispatcher.subscribe(Subjects.query(region));
        nats.flush(java.time.Duration.ofSeconds(5));
    }

    /** A relay of {@code region} of {@code fabric} that answers with {@code sites}. */
    public static FakeRelay answering(io.cascade.topology.testing.FabricExtension fabric, String region, int maxPerReply,
                                      String... sites) throws Exception {
        return new FakeRelay(fabric, region, List.of(sites), maxPerReply, false);
    }

    /** A relay of {@code region} of {@code fabric} that takes requests and never answers. */
    public static FakeRelay silent(io.cascade.topology.testing.FabricExtension fabric, String region) throws Exception {
        return new FakeRelay(fabric, region, List.of(), 1, true);
    }

    /** The requests received so far. */
    public List<ListSitesRequest> requests() {
        return requests;
    }

    private void answer(Message message) {
        ListSitesRequest request;
        try {
            request = ListSitesRequest.parseFrom(message.getData());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("the hub sent something that is not a ListSitesRequest", e);
        }
        requests.add(request);
        if (silent) {
            return;
        }
        int from = request.getPageToken().isEmpty() ? 0 : Integer.parseInt(request.getPageToken());
        int to = Math.min(sites.size(), from + Math.min(maxPerReply, request.getPageSize()));
        ListSitesResponse.Builder page = ListSitesResponse.newBuilder().addAllSites(sites.subList(from, to));
        if (to < sites.size()) {
            page.setNextPageToken(Integer.toString(to));
        }
        nats.publish(message.getReplyTo(), page.build().toByteArray());
    }

    private static SiteEntry entry(String region, String site) {
        return SiteEntry.newBuilder()
                .setStatus(SiteStatus.newBuilder().setRegion(region).setSite(site))
                .setOnline(true)
                .build();
    }

    @Override
    public void close() throws InterruptedException {
        nats.close();
    }
}
