package io.cascade.hub.registration;

import io.cascade.hub.sites.SiteException;
import io.cascade.hub.sites.SiteSet;
import io.cascade.proto.BootstrapToken;
import io.cascade.proto.RegisterSiteRequest;
import io.cascade.proto.RegisterSiteResponse;
import io.cascade.proto.SiteRecord;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.trust.AccountSigner;
import io.cascade.topology.trust.Identity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code RegisterSite}: a device with a bootstrap token and its own public key joins the fleet.
 * Checks the request, takes one use of the token (whose region and labels bound what the site may
 * claim), adds the site to the hub's site set, and answers the site's user JWT (signed with the
 * account's signing key), its relay's URL and the fleet CA. Every outcome is counted in
 * {@code cascade.hub.registrations{outcome}}.
 */
public final class Registrar {

    static final String METRIC = "cascade.hub.registrations";

    private final BootstrapTokens tokens;
    private final SiteSet sites;
    private final Optional<AccountSigner> signer;
    private final Fleet fleet;
    private final String caPem;
    private final MeterRegistry meters;

    /**
     * @param signer the fleet account's signing key; empty: every registration is refused, saying how
     *               to start the hub so that it can sign
     * @param caPem  the fleet CA the sites check their relay's certificate against
     */
    public Registrar(BootstrapTokens tokens, SiteSet sites, Optional<AccountSigner> signer, Fleet fleet, String caPem,
                     MeterRegistry meters) {
        this.tokens = tokens;
        this.sites = sites;
        this.signer = signer;
        this.fleet = fleet;
        this.caPem = caPem;
        this.meters = meters;
    }

    /** Registers the site of {@code request} for a caller at {@code callerAddress}. */
    public RegisterSiteResponse register(RegisterSiteRequest request, String callerAddress) throws SiteException {
        try {
            RegisterSiteResponse answer = registerOrRefuse(request, callerAddress);
            count("registered");
            return answer;
        } catch (BootstrapTokens.Refused e) {
            count(e.cause());
            throw new SiteException(SiteException.Reason.UNAUTHENTICATED, e.getMessage());
        } catch (SiteException e) {
            count(switch (e.reason()) {
                case INVALID -> "invalid";
                case PERMISSION_DENIED -> "out-of-scope";
                case ALREADY_EXISTS -> "name-taken";
                case FAILED_PRECONDITION -> "disabled";
                default -> "unavailable";
            });
            throw e;
        }
    }

    private RegisterSiteResponse registerOrRefuse(RegisterSiteRequest request, String callerAddress)
            throws BootstrapTokens.Refused, SiteException {
        String site = SiteSet.requireSiteName(request.getSite());
        String key = request.getPublicKey();
        if (!AccountSigner.isPublicUserKey(key)) {
            throw new SiteException(SiteException.Reason.INVALID, "public_key: not a public user nkey (U..., 56 characters)");
        }
        AccountSigner sign = signer.orElseThrow(() -> new SiteException(SiteException.Reason.FAILED_PRECONDITION,
                "this hub does not register sites: it was started without --signing-key (the trust root's account-signing.nk)"));
        BootstrapToken token = tokens.redeem(request.getToken(), site, key, callerAddress, t -> {
            if (!request.getRegion().isEmpty() && !request.getRegion().equals(t.getRegion())) {
                throw new SiteException(SiteException.Reason.PERMISSION_DENIED, "bootstrap token " + t.getId()
                        + " is for region " + t.getRegion() + ", not " + request.getRegion());
            }
            List<String> outside = new ArrayList<>();
            new TreeMap<>(request.getLabelsMap()).forEach((k, v) -> {
                if (!v.equals(t.getLabelsMap().get(k))) {
                    outside.add(k + "=" + v);
                }
            });
            if (!outside.isEmpty()) {
                throw new SiteException(SiteException.Reason.PERMISSION_DENIED, "labels " + outside
                        + " are outside bootstrap token " + t.getId() + "'s scope " + new TreeMap<>(t.getLabelsMap()));
            }
            Optional<String> moved = sites.get(site).map(SiteRecord::getRegion).filter(r -> !r.equals(t.getRegion()));
            if (moved.isPresent()) {
                throw new SiteException(SiteException.Reason.PERMISSION_DENIED, "site \"" + site + "\" is in region " + moved.get()
                        + " and bootstrap token " + t.getId() + " is for region " + t.getRegion());
            }
            Optional<String> conflict = sites.registrationConflict(site, key);
            if (conflict.isPresent()) {
                throw new SiteException(SiteException.Reason.ALREADY_EXISTS, conflict.get());
            }
        });
        SiteRecord record = sites.register(site, token.getRegion(), token.getLabelsMap(), key);
        Identity.Site identity = new Identity.Site(record.getRegion(), site);
        return RegisterSiteResponse.newBuilder()
                .setUserJwt(sign.issueJwt(identity, key))
                .addAllRelayUrls(relayUrls(record.getRegion()))
                .setCaPem(caPem)
                .setRegion(record.getRegion())
                .putAllLabels(record.getLabelsMap())
                .setInboxPrefix(identity.inboxPrefix())
                .build();
    }

    /** The relay's client URL as the fleet file gives it (TLS: a relay's client port speaks nothing else). */
    private List<String> relayUrls(String region) {
        RegionSpec r = fleet.requireRegion(region);
        return r.ports().client() > 0 ? List.of("tls://" + r.host() + ":" + r.ports().client()) : List.of();
    }

    private void count(String outcome) {
        Counter.builder(METRIC).description("RegisterSite calls by outcome").tag("outcome", outcome).register(meters).increment();
    }
}
