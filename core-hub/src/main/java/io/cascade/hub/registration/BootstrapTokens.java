package io.cascade.hub.registration;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.cascade.proto.BootstrapToken;
import io.cascade.hub.sites.SiteException;
import io.cascade.proto.TokenState;
import io.cascade.proto.TokenUse;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.targeting.Labels;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's bootstrap tokens, durable in the hub's KV {@code tokens} (key: the token's id, value:
 * a {@link BootstrapToken}). A token's text is {@code cbt1.<id>.<secret>}: the id (16 hex digits)
 * names it in lists and revocations, the secret (32 random bytes, base64url) proves possession and
 * is kept only as its SHA-256. Changes to a stored token are compare-and-set on its KV revision, so
 * two registrations racing for a token's last use cannot both take it.
 */
public final class BootstrapTokens {

    private static final Logger LOG = LoggerFactory.getLogger(BootstrapTokens.class);

    /** The token text's prefix: the format's version. */
    public static final String PREFIX = "cbt1.";
    static final int MAX_USES = 100_000;
    static final Duration DEFAULT_TTL = Duration.ofHours(24);
    static final Duration MIN_TTL = Duration.ofMinutes(1);
    static final Duration MAX_TTL = Duration.ofDays(365);
    private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyValue bucket;
    private final Fleet fleet;
    private final Clock clock;

    public BootstrapTokens(KeyValue bucket, Fleet fleet, Clock clock) {
        this.bucket = bucket;
        this.fleet = fleet;
        this.clock = clock;
    }

    /** A token made: its text (shown once) and what the hub keeps of it. */
    public record Issued(String text, BootstrapToken token) {}

    /**
     * Makes a token for {@code region} and {@code labels}, valid {@code ttl} (zero: 24 h) for
     * {@code maxUses} registrations (zero: one), by the operator {@code by}.
     */
    public Issued create(String region, Map<String, String> labels, int maxUses, Duration ttl, String by) throws SiteException {
        RegionSpec spec = fleet.regions().stream().filter(r -> r.name().equals(region)).findFirst()
                .orElseThrow(() -> new SiteException(SiteException.Reason.INVALID, "region: " + (region.isEmpty()
                        ? "required" : "unknown region \"" + region + "\"") + "; the fleet has "
                        + fleet.regions().stream().map(RegionSpec::name).toList()));
        Map<String, String> scoped = new TreeMap<>(labels);
        for (var e : scoped.entrySet()) {
            Optional<String> bad = Labels.keyError(e.getKey()).or(() -> Labels.valueError(e.getValue()));
            if (bad.isPresent()) {
                throw new SiteException(SiteException.Reason.INVALID, "labels: " + bad.get());
            }
        }
        String declared = scoped.putIfAbsent("region", spec.name());
        if (declared != null && !declared.equals(spec.name())) {
            throw new SiteException(SiteException.Reason.INVALID, "labels: region=" + declared + " contradicts region " + spec.name());
        }
        int uses = maxUses == 0 ? 1 : maxUses;
        if (uses < 0 || uses > MAX_USES) {
            throw new SiteException(SiteException.Reason.INVALID, "max_uses: " + maxUses + " is not between 1 and " + MAX_USES);
        }
        Duration valid = ttl.isZero() ? DEFAULT_TTL : ttl;
        if (valid.compareTo(MIN_TTL) < 0 || valid.compareTo(MAX_TTL) > 0) {
            throw new SiteException(SiteException.Reason.INVALID, "ttl: " + ttl + " is not between 1 minute and 365 days");
        }
        byte[] idBytes = new byte[8];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(idBytes);
        RANDOM.nextBytes(secret);
        String id = HexFormat.of().formatHex(idBytes);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant();
        BootstrapToken token = BootstrapToken.newBuilder().setId(id).setRegion(spec.name()).putAllLabels(scoped)
                .setMaxUses(uses).setExpiresAt(timestamp(now.plus(valid))).setCreatedAt(timestamp(now)).setCreatedBy(by)
                .setSecretSha256(com.google.protobuf.ByteString.copyFrom(sha256(secretText))).build();
        try {
            bucket.create(id, token.toByteArray());
        } catch (IOException | JetStreamApiException e) {
            throw unavailable("the new token", e);
        }
        LOG.info("bootstrap token {} made by {}: region {}, labels {}, {} use(s), expires {}", id, by, spec.name(), scoped,
                uses, now.plus(valid));
        return new Issued(PREFIX + id + "." + secretText, forAnswer(token, now));
    }

    /** Every token, newest first, each with its state now and without its secret's hash. */
    public List<BootstrapToken> list() throws SiteException {
        List<BootstrapToken> all = new ArrayList<>();
        Instant now = clock.instant();
        try {
            Map<String, List<TokenUse>> uses = new java.util.HashMap<>();
            List<String> keys = bucket.keys();
            for (String key : keys) {
                int use = key.indexOf(USE);
                if (use > 0) {
                    readUse(key.substring(0, use), key.substring(use + USE.length()))
                            .ifPresent(u -> uses.computeIfAbsent(key.substring(0, use), k -> new ArrayList<>()).add(u));
                }
            }
            for (String key : keys) {
                KeyValueEntry e = key.contains(".") ? null : bucket.get(key);
                if (e != null && e.getValue() != null) {
                    parse(e).ifPresent(t -> all.add(forAnswer(t.toBuilder().addAllUses(uses.getOrDefault(key, List.of()).stream()
                            .sorted(Comparator.comparing((TokenUse u) -> u.getAt().getSeconds()).thenComparing(u -> u.getAt().getNanos()))
                            .toList()).build(), now)));
                }
            }
        } catch (IOException | JetStreamApiException e) {
            throw unavailable("the token list", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SiteException(SiteException.Reason.UNAVAILABLE, "interrupted while reading the tokens", e);
        }
        all.sort(Comparator.comparing((BootstrapToken t) -> t.getCreatedAt().getSeconds())
                .thenComparing(t -> t.getCreatedAt().getNanos()).reversed());
        return all;
    }

    /** Revokes the token {@code idOrText} (its id, or its whole text) for the operator {@code by}; idempotent. */
    public BootstrapToken revoke(String idOrText, String by) throws SiteException {
        String id = idOf(idOrText).orElseThrow(() -> new SiteException(SiteException.Reason.INVALID, "id: \"" + idOrText
                + "\" is not a token id (16 hex digits, as `cascade token list` shows it)"));
        while (true) {
            KeyValueEntry entry = read(id).orElseThrow(() -> new SiteException(SiteException.Reason.NOT_FOUND,
                    "no bootstrap token has id " + id));
            BootstrapToken token = parse(entry).orElseThrow(() -> new SiteException(SiteException.Reason.UNAVAILABLE,
                    "token " + id + " is unreadable in KV " + bucket.getBucketName()));
            if (token.hasRevokedAt()) {
                return forAnswer(token, clock.instant());
            }
            BootstrapToken revoked = token.toBuilder().setRevokedAt(timestamp(clock.instant())).setRevokedBy(by).build();
            if (compareAndSet(id, revoked, entry.getRevision())) {
                LOG.info("bootstrap token {} revoked by {}", id, by);
                return forAnswer(revoked, clock.instant());
            }
        }
    }

    /** A registration refused for its token; {@code cause} is the metric's tag. */
    public static final class Refused extends Exception {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final String cause;

        Refused(String cause, String message) {
            super(message);
            this.cause = cause;
        }

        /** {@code malformed}, {@code unknown}, {@code bad-secret}, {@code expired}, {@code used-up} or {@code revoked}. */
        public String cause() {
            return cause;
        }
    }

    /** Checks what a registration asks of a valid token (region, labels, the name), before a use is taken. */
    @FunctionalInterface
    public interface ScopeCheck {
        void check(BootstrapToken token) throws SiteException;
    }

    /**
     * Takes one use of the token {@code text} for {@code site} with {@code publicKey}: the secret
     * must match, the token be active and {@code scope} pass; the use is recorded (with the caller's
     * address) compare-and-set, so racing registrations cannot take more uses than there are. The
     * same site and key again is answered without taking another use (a device retrying after a
     * lost answer).
     *
     * @return the token as stored after the use
     */
    public BootstrapToken redeem(String text, String site, String publicKey, String callerAddress, ScopeCheck scope)
            throws Refused, SiteException {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 3 || !(parts[0] + ".").equals(PREFIX) || !ID.matcher(parts[1]).matches() || parts[2].isEmpty()) {
            throw new Refused("malformed", "not a bootstrap token: expected cbt1.<id>.<secret>, as `cascade token create` prints it");
        }
        String id = parts[1];
        // one registration at a time per token in this hub (no compare-and-set storm among its callers);
        // the compare-and-set below still guards against any other writer
        synchronized (locks.computeIfAbsent(id, k -> new Object())) {
            while (true) {
                Optional<KeyValueEntry> entry = read(id);
                if (entry.isEmpty()) {
                    throw new Refused("unknown", "bootstrap token " + id + " is not known at this hub");
                }
                BootstrapToken token = parse(entry.get()).orElseThrow(() -> new SiteException(SiteException.Reason.UNAVAILABLE,
                        "token " + id + " is unreadable in KV " + bucket.getBucketName()));
                if (!MessageDigest.isEqual(sha256(parts[2]), token.getSecretSha256().toByteArray())) {
                    throw new Refused("bad-secret", "bootstrap token " + id + " does not match: its secret part is wrong");
                }
                Optional<TokenUse> earlier = readUse(id, publicKey);
                if (earlier.isPresent() && earlier.get().getSite().equals(site)) {
                    return token;
                }
                Instant now = clock.instant();
                switch (state(token, now)) {
                    case TOKEN_REVOKED -> throw new Refused("revoked", "bootstrap token " + id + " was revoked at "
                            + instant(token.getRevokedAt()) + " by " + token.getRevokedBy());
                    case TOKEN_EXPIRED -> throw new Refused("expired", "bootstrap token " + id + " expired at "
                            + instant(token.getExpiresAt()));
                    case TOKEN_USED_UP -> throw new Refused("used-up", "bootstrap token " + id + " is used up: all "
                            + token.getMaxUses() + " of its uses are taken");
                    default -> { }
                }
                scope.check(token);
                BootstrapToken used = token.toBuilder().setUsed(token.getUsed() + 1).build();
                if (compareAndSet(id, used, entry.get().getRevision())) {
                    TokenUse use = TokenUse.newBuilder().setSite(site).setPublicKey(publicKey).setAt(timestamp(now))
                            .setCallerAddress(callerAddress).build();
                    try {
                        bucket.put(useKey(id, publicKey), use.toByteArray());
                    } catch (IOException | JetStreamApiException e) {
                        throw unavailable("the use record of token " + id, e);
                    }
                    LOG.info("bootstrap token {}: use {} of {} by site {} from {}", id, used.getUsed(), used.getMaxUses(),
                            site, callerAddress);
                    return used;
                }
            }
        }
    }

    private final Map<String, Object> locks = new java.util.concurrent.ConcurrentHashMap<>();

    /** Where the use of token {@code id} by the key {@code publicKey} is recorded. */
    static String useKey(String id, String publicKey) {
        return id + USE + publicKey;
    }

    static final String USE = ".use.";

    private Optional<TokenUse> readUse(String id, String publicKey) throws SiteException {
        try {
            KeyValueEntry e = bucket.get(useKey(id, publicKey));
            return e == null || e.getValue() == null ? Optional.empty() : Optional.of(TokenUse.parseFrom(e.getValue()));
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty();
        } catch (IOException | JetStreamApiException e) {
            throw unavailable("the uses of token " + id, e);
        }
    }

    /** The state of {@code token} at {@code now}: revoked before expired before used up. */
    public static TokenState state(BootstrapToken token, Instant now) {
        if (token.hasRevokedAt()) {
            return TokenState.TOKEN_REVOKED;
        }
        if (!now.isBefore(instant(token.getExpiresAt()))) {
            return TokenState.TOKEN_EXPIRED;
        }
        if (token.getUsed() >= token.getMaxUses()) {
            return TokenState.TOKEN_USED_UP;
        }
        return TokenState.TOKEN_ACTIVE;
    }

    /** The id in a token's text or a bare id, when it is one. */
    static Optional<String> idOf(String idOrText) {
        String s = idOrText.trim();
        if (s.startsWith(PREFIX)) {
            int dot = s.indexOf('.', PREFIX.length());
            s = dot < 0 ? s.substring(PREFIX.length()) : s.substring(PREFIX.length(), dot);
        }
        return ID.matcher(s).matches() ? Optional.of(s) : Optional.empty();
    }

    private Optional<KeyValueEntry> read(String id) throws SiteException {
        try {
            KeyValueEntry e = bucket.get(id);
            return e == null || e.getValue() == null ? Optional.empty() : Optional.of(e);
        } catch (IOException | JetStreamApiException e) {
            throw unavailable("token " + id, e);
        }
    }

    /** Writes {@code token} if its key is still at {@code revision}; false when another writer came first. */
    private boolean compareAndSet(String id, BootstrapToken token, long revision) throws SiteException {
        try {
            bucket.update(id, token.toByteArray(), revision);
            return true;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
                return false;
            }
            throw unavailable("token " + id, e);
        } catch (IOException e) {
            throw unavailable("token " + id, e);
        }
    }

    /** JetStream's API error for a compare-and-set that lost: "wrong last sequence". */
    static final int WRONG_LAST_SEQUENCE = 10071;

    private Optional<BootstrapToken> parse(KeyValueEntry e) {
        try {
            return Optional.of(BootstrapToken.parseFrom(e.getValue()));
        } catch (InvalidProtocolBufferException bad) {
            LOG.warn("KV {}: entry {} is not a token; left as it is", bucket.getBucketName(), e.getKey());
            return Optional.empty();
        }
    }

    private SiteException unavailable(String what, Exception e) {
        return new SiteException(SiteException.Reason.UNAVAILABLE, "the hub's KV " + bucket.getBucketName() + " did not take "
                + what + ": " + e.getMessage() + "; retrying is safe", e);
    }

    /** {@code token} as an API answer: its state at {@code now}, no secret hash. */
    static BootstrapToken forAnswer(BootstrapToken token, Instant now) {
        return token.toBuilder().clearSecretSha256().setState(state(token, now)).build();
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
