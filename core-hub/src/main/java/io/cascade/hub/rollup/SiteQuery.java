package io.cascade.hub.rollup;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.hub.metrics.HubMetrics;
import io.cascade.proto.AppState;
import io.cascade.proto.ListSitesRequest;
import io.cascade.proto.ListSitesResponse;
import io.cascade.proto.SiteEntry;
import io.cascade.topology.Subjects;
import io.cascade.topology.fleet.Fleet;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ListSites: the drill-down through the relays, which alone hold per-site state. The hub asks each listed
 * region's relay with a NATS request on {@code cascade.query.<region>} carrying a {@link ListSitesRequest}
 * (its region set, the caller's app and state filters, the room left in the page, and the relay's own
 * page token) and answered with a {@link ListSitesResponse} page.
 *
 * <p>Sites come sorted by region, then site (each relay sorts its own): the regions are listed in name
 * order (the request's region, else every region of the fleet), and a page is filled from the region the
 * {@link PageToken} names onwards, asking one relay after another until the page is full. A relay that
 * does not answer within the timeout (or has no listener) is left out: its sites are absent from the
 * listing, the listing moves on to the next region, and an INFO log names the region. Nothing per site is
 * kept at the hub.
 */
public final class SiteQuery {

    private static final Logger LOG = LoggerFactory.getLogger(SiteQuery.class);

    /** How long the hub waits for one relay's page. */
    public static final Duration DEFAULT_RELAY_TIMEOUT = Duration.ofSeconds(2);
    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1000;

    private final Connection nats;
    private final Fleet fleet;
    private final Duration relayTimeout;
    private final HubMetrics metrics;

    /**
     * @param nats         the hub's connection; requests reach the relays across the leaf links
     * @param fleet        the regions to ask when a request names none
     * @param relayTimeout how long to wait for one relay's page
     * @param metrics      counts the relays that did not answer in time
     */
    public SiteQuery(Connection nats, Fleet fleet, Duration relayTimeout, HubMetrics metrics) {
        this.nats = Objects.requireNonNull(nats, "nats");
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.relayTimeout = Objects.requireNonNull(relayTimeout, "relayTimeout");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * One page of sites.
     *
     * @throws RollupException {@code INVALID} for a malformed filter or page token
     */
    public ListSitesResponse list(ListSitesRequest request) throws RollupException, InterruptedException {
        List<String> regions = regionsOf(request);
        if (request.hasApp()) {
            DnsLabel.require("app", request.getApp());
        }
        if (request.getSiteContains().length() > 63) {
            throw new RollupException(RollupException.Reason.INVALID, "site_contains: at most 63 characters (a site id's "
                    + "length), got " + request.getSiteContains().length());
        }
        if (request.getState() == AppState.UNRECOGNIZED) {
            throw new RollupException(RollupException.Reason.INVALID, "state: unknown value " + request.getStateValue()
                    + "; use PENDING, APPLYING, READY, FAILED, DRIFTED, or APP_STATE_UNSPECIFIED for no state filter");
        }
        long requested = Integer.toUnsignedLong(request.getPageSize());
        int size = requested == 0 ? DEFAULT_PAGE_SIZE : (int) Math.min(requested, MAX_PAGE_SIZE);
        PageToken cursor = request.getPageToken().isEmpty()
                ? PageToken.start(request, regions.getFirst())
                : PageToken.decode(request.getPageToken(), request, regions);

        List<SiteEntry> page = new ArrayList<>();
        int region = regions.indexOf(cursor.region());
        String relayToken = cursor.relayToken();
        // each relay request adds a site or moves on, unless a relay keeps answering empty pages with a token
        int requestsLeft = regions.size() + size;
        while (region < regions.size() && page.size() < size && requestsLeft-- > 0) {
            String name = regions.get(region);
            Optional<ListSitesResponse> answer = ask(name, request, size - page.size(), relayToken);
            if (answer.isEmpty()) {
                region++;
                relayToken = "";
                continue;
            }
            page.addAll(answer.get().getSitesList());
            relayToken = answer.get().getNextPageToken();
            if (relayToken.isEmpty()) {
                region++;
            }
        }
        String next = region < regions.size() ? cursor.at(regions.get(region), relayToken).encode() : "";
        return ListSitesResponse.newBuilder().addAllSites(page).setNextPageToken(next).build();
    }

    /** The regions a request lists, in name order. */
    private List<String> regionsOf(ListSitesRequest request) throws RollupException {
        if (!request.hasRegion()) {
            return fleet.regionNames().stream().sorted().toList();
        }
        String region = DnsLabel.require("region", request.getRegion());
        if (fleet.region(region).isEmpty()) {
            throw new RollupException(RollupException.Reason.INVALID, "region: unknown region " + DnsLabel.quote(region)
                    + "; the fleet has regions " + fleet.regionNames());
        }
        return List.of(region);
    }

    /** One page from {@code region}'s relay, or empty when it does not answer in time. */
    private Optional<ListSitesResponse> ask(String region, ListSitesRequest request, int room, String relayToken)
            throws InterruptedException {
        ListSitesRequest.Builder forward = ListSitesRequest.newBuilder()
                .setRegion(region)
                .setState(request.getState())
                .setSiteContains(request.getSiteContains())
                .setPageSize(room)
                .setPageToken(relayToken);
        if (request.hasApp()) {
            forward.setApp(request.getApp());
        }
        if (request.hasIntentRevision()) {
            forward.setIntentRevision(request.getIntentRevision());
        }
        String subject = Subjects.query(region);
        // jnats' own timeout a little later than ours, so that a silent relay shows as a timeout here
        CompletableFuture<Message> reply = nats.requestWithTimeout(subject, forward.build().toByteArray(),
                relayTimeout.plusSeconds(1));
        try {
            Message message = reply.get(relayTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message.isStatusMessage()) {
                LOG.info("ListSites: region {} left out: {} answered with status {}", region, subject, message.getStatus());
                return Optional.empty();
            }
            return Optional.of(ListSitesResponse.parseFrom(message.getData()));
        } catch (TimeoutException e) {
            reply.cancel(true);
            metrics.relayTimeout(region);
            LOG.info("ListSites: region {} left out: its relay did not answer on {} within {} ms", region, subject,
                    relayTimeout.toMillis());
            return Optional.empty();
        } catch (CancellationException e) {
            // jnats cancels the request when the server reports that nobody subscribes to the subject
            LOG.info("ListSites: region {} left out: no relay listens on {} (no responders)", region, subject);
            return Optional.empty();
        } catch (ExecutionException e) {
            LOG.info("ListSites: region {} left out: the request on {} failed: {}", region, subject, e.getCause().toString());
            return Optional.empty();
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("ListSites: region {} left out: its relay answered on {} with something that is not a "
                    + "ListSitesResponse: {}", region, subject, e.getMessage());
            return Optional.empty();
        }
    }
}
