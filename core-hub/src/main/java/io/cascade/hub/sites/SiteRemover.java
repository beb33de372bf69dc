package io.cascade.hub.sites;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.proto.ForgetSiteReply;
import io.cascade.proto.ForgetSiteRequest;
import io.cascade.proto.RemoveSiteResponse;
import io.cascade.proto.SiteRecord;
import io.cascade.topology.Subjects;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RemoveSite: the site leaves the hub's set (durably, before anything else), then its relay is asked
 * to forget it ({@code cascade.forget.<region>}): registry, status record, rollup counts. The relay's
 * answer is waited for a bounded time; a relay that does not answer is reported, not retried here,
 * since the site's revoked credentials keep it from reporting anyway.
 */
public final class SiteRemover {

    private static final Logger LOG = LoggerFactory.getLogger(SiteRemover.class);
    /** How long the relay has to answer that it forgot the site. */
    public static final Duration RELAY_TIMEOUT = Duration.ofSeconds(5);

    private final Connection nats;
    private final SiteSet sites;
    private final Duration relayTimeout;

    public SiteRemover(Connection nats, SiteSet sites, Duration relayTimeout) {
        this.nats = nats;
        this.sites = sites;
        this.relayTimeout = relayTimeout;
    }

    /** The site as the set holds it, or its removal; NOT_FOUND when the hub never had it. */
    public io.cascade.proto.GetSiteResponse lookup(String site) throws SiteException {
        SiteSet.requireSiteName(site);
        var answer = io.cascade.proto.GetSiteResponse.newBuilder();
        sites.get(site).ifPresent(answer::setSite);
        sites.removal(site).ifPresent(answer::setRemoval);
        if (!answer.hasSite() && !answer.hasRemoval()) {
            throw new SiteException(SiteException.Reason.NOT_FOUND, "the fleet has no site \"" + site + "\"");
        }
        return answer.build();
    }

    /** Lets {@code site} register once more with another key for {@code ttl} (zero: 24 h; at most 30 days). */
    public io.cascade.proto.AllowRebuildResponse allowRebuild(String site, Duration ttl) throws SiteException {
        SiteSet.requireSiteName(site);
        Duration d = ttl.isZero() ? Duration.ofHours(24) : ttl;
        if (d.isNegative() || d.compareTo(Duration.ofDays(30)) > 0) {
            throw new SiteException(SiteException.Reason.INVALID, "ttl: " + ttl + " is not between 1 second and 30 days");
        }
        return io.cascade.proto.AllowRebuildResponse.newBuilder()
                .setSite(sites.allowRebuild(site, sites.clock().instant().plus(d))).build();
    }

    /** Removes {@code site} from the set and from its relay's state. */
    public RemoveSiteResponse remove(String site, String reason) throws SiteException, InterruptedException {
        SiteSet.requireSiteName(site);
        SiteRecord record = sites.remove(site, reason);
        boolean forgot = forget(record.getRegion(), site);
        return RemoveSiteResponse.newBuilder().setSite(site).setRegion(record.getRegion()).setRelayForgot(forgot).build();
    }

    private boolean forget(String region, String site) throws InterruptedException {
        CompletableFuture<Message> reply = nats.request(Subjects.forget(region),
                ForgetSiteRequest.newBuilder().setSite(site).build().toByteArray());
        try {
            Message m = reply.get(relayTimeout.toMillis(), TimeUnit.MILLISECONDS);
            ForgetSiteReply answer = ForgetSiteReply.parseFrom(m.getData());
            LOG.info("region {} site {}: the relay forgot it (it {} the site)", region, site, answer.getKnown() ? "knew" : "did not know");
            return true;
        } catch (TimeoutException | ExecutionException | InvalidProtocolBufferException e) {
            reply.cancel(true);
            LOG.warn("region {} site {}: removed at the hub, but the relay did not confirm it forgot the site ({}); "
                    + "its counts keep the site as offline until the relay is asked again", region, site, e.toString());
            return false;
        }
    }
}
