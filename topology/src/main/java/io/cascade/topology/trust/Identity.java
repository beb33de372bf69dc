package io.cascade.topology.trust;

import io.cascade.topology.DnsLabel;
import io.cascade.topology.Subjects;
import java.util.List;

/**
 * Who connects to a nats-server of the fabric, and what nats-server lets it do: each identity is
 * a user of its own (own nkey, own JWT) whose publish and subscribe allow-lists are the least its
 * work needs. The servers enforce them; a bug in a Cascade service is never the only gate.
 */
public sealed interface Identity {

    /** The user's name in its JWT (shown by the servers' monitoring and in their logs). */
    String name();

    /** Subjects the user may publish to. */
    List<String> publish();

    /** Subjects the user may subscribe to. */
    List<String> subscribe();

    /**
     * Whether the user may answer requests it received (nats-server's allow_responses: one reply
     * to the reply subject of each message delivered to it, and nothing else).
     */
    default boolean answersRequests() {
        return false;
    }

    /** The inbox prefix its connection must use: the user may subscribe only there for replies. */
    String inboxPrefix();

    /** Whether this is a user of the system account (server administration) instead of the fleet's. */
    default boolean system() {
        return false;
    }

    /**
     * An edge site on its relay: publishes only its own status and sync requests; receives its
     * region's app deltas, its own override deltas, the beacon, its probes and its own replies.
     * Nothing under {@code $JS.>} or {@code $KV.>}.
     */
    record Site(String region, String site) implements Identity {
        public Site {
            requireLabel("region", region);
            requireLabel("site", site);
        }

        @Override
        public String name() {
            return "site-" + site;
        }

        @Override
        public List<String> publish() {
            return List.of(Subjects.status(region, site), Subjects.sync(region, site));
        }

        @Override
        public List<String> subscribe() {
            return List.of(Subjects.appDeltas(region), Subjects.siteDeltas(region, site), Subjects.beacon(region),
                    Subjects.probeSite(region, site), Subjects.probeSites(region), inboxPrefix() + ".>");
        }

        @Override
        public boolean answersRequests() {
            return true; // probes
        }

        @Override
        public String inboxPrefix() {
            return "_INBOX.site." + site;
        }
    }

    /**
     * A region's relay service on its own nats-server: serves its region's status, sync, query and
     * probe subjects, publishes its region's deltas and beacon, runs its local JetStream (the
     * desired mirror and the status bucket) and writes its region's rollup to the hub. What it may
     * reach at the hub is bounded again by its {@link RelayLeaf} user there.
     */
    record RelayService(String region) implements Identity {
        public RelayService {
            requireLabel("region", region);
        }

        @Override
        public String name() {
            return "relay-" + region;
        }

        @Override
        public List<String> publish() {
            List<String> subjects = new java.util.ArrayList<>(List.of("cascade.d." + region + ".>", Subjects.beacon(region),
                    "$JS.API.>", "$KV." + Subjects.KV_STATUS + ".>", "$KV." + Subjects.KV_LEASES + ".>", "$JS.ACK.>", "$JS.FC.>",
                    "_INBOX.>"));
            subjects.addAll(RelayLeaf.hubRollupSubjects(region)); // at the hub: its own rollup only, as its leaf allows
            return List.copyOf(subjects);
        }

        @Override
        public List<String> subscribe() {
            return List.of(Subjects.statusAll(region), Subjects.syncAll(region), Subjects.query(region),
                    Subjects.probeRelay(region), Subjects.forget(region), inboxPrefix() + ".>");
        }

        @Override
        public String inboxPrefix() {
            return "_INBOX.relay." + region;
        }
    }

    /**
     * A region relay's leaf link as the hub sees it (allow-lists on the accepting side): what may
     * flow up is its publish list (its mirror's consumer on its own slice of {@code desired}, its
     * own rollup, replies to the hub and to probes); what may flow down is its subscribe list (its
     * mirror's deliveries, the hub's queries and probes of its region, replies to its relay service).
     */
    record RelayLeaf(String region) implements Identity {
        public RelayLeaf {
            requireLabel("region", region);
        }

        static String rollupSubject(String region) {
            return "$KV." + Subjects.KV_ROLLUP + "." + region;
        }

        /**
         * What a relay sends into the hub's JetStream domain for its rollup: bind the bucket, read
         * its own last rollup, put its own key (a KV put in another domain goes out on
         * {@code $JS.core.API.$KV.<bucket>.<key>}, so this names that exact subject).
         */
        static List<String> hubRollupSubjects(String region) {
            String api = Subjects.HUB_JS_API;
            return List.of(api + ".STREAM.INFO.KV_" + Subjects.KV_ROLLUP,
                    api + ".DIRECT.GET.KV_" + Subjects.KV_ROLLUP + "." + rollupSubject(region),
                    api + "." + rollupSubject(region));
        }

        @Override
        public String name() {
            return "leaf-" + region;
        }

        @Override
        public List<String> publish() {
            String api = Subjects.HUB_JS_API;
            List<String> subjects = new java.util.ArrayList<>(List.of(
                    api + ".CONSUMER.CREATE.KV_" + Subjects.KV_DESIRED + ".*." + Subjects.desiredRegionFilter(region),
                    api + ".STREAM.INFO.KV_" + Subjects.KV_DESIRED,
                    rollupSubject(region),
                    "$JS.FC.>", "$JS.ACK.KV_" + Subjects.KV_DESIRED + ".>",
                    HubService.INBOX + ".>", Operator.INBOX + ".>"));
            subjects.addAll(hubRollupSubjects(region));
            return List.copyOf(subjects);
        }

        @Override
        public List<String> subscribe() {
            return List.of("$JS.M.>", "$JSC.R.>", "$JS.S.>", "$JS.FC.>",
                    "_INBOX.relay." + region + ".>",
                    Subjects.query(region), Subjects.forget(region), "cascade.probe." + region + ".>");
        }

        @Override
        public String inboxPrefix() {
            return "_INBOX.leaf." + region;
        }
    }

    /**
     * A region relay's second leaf link, in the system account, as the hub sees it: it carries
     * account updates (revocations) from the hub's resolver down to the relay's server, and the
     * relay's account lookups up. Nothing of the fleet's account crosses it.
     */
    record RelaySystemLeaf(String region) implements Identity {
        public RelaySystemLeaf {
            requireLabel("region", region);
        }

        @Override
        public String name() {
            return "sysleaf-" + region;
        }

        @Override
        public List<String> publish() {
            return List.of("$SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP", "_INBOX.>");
        }

        @Override
        public List<String> subscribe() {
            return List.of("$SYS.REQ.CLAIMS.UPDATE", "$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE", "$SYS.ACCOUNT.*.CLAIMS.UPDATE",
                    "_INBOX.>");
        }

        @Override
        public String inboxPrefix() {
            return "_INBOX";
        }

        @Override
        public boolean system() {
            return true;
        }
    }

    /**
     * The hub service on the hub's nats-server: the JetStream API of its own domain (its buckets,
     * their watches and reads), writes to the intents, desired and sites buckets, the drill-down
     * query to each relay and the request that a relay forget a removed site; receives its probe
     * and its own replies, and answers the probe. It writes no
     * rollup (the relays do) and reaches no site subject.
     */
    record HubService() implements Identity {
        static final String INBOX = "_INBOX.hub";

        @Override
        public String name() {
            return "hub";
        }

        @Override
        public List<String> publish() {
            return List.of("$JS.API.>", "$KV." + Subjects.KV_INTENTS + ".>", "$KV." + Subjects.KV_DESIRED + ".>",
                    "$KV." + Subjects.KV_SITES + ".>", "$KV." + Subjects.KV_CREDENTIALS + ".>",
                    "$KV." + Subjects.KV_TOKENS + ".>", "$KV." + Subjects.KV_LEASES + ".>", "$JS.FC.>", "$JS.ACK.>", Subjects.query("*"), Subjects.forget("*"));
        }

        @Override
        public List<String> subscribe() {
            return List.of(Subjects.probeHub(), INBOX + ".>");
        }

        @Override
        public boolean answersRequests() {
            return true; // its probe
        }

        @Override
        public String inboxPrefix() {
            return INBOX;
        }
    }

    /**
     * An operator's tool on the hub's nats-server ({@code cascade up}'s probes, {@code cascade sites
     * remove}): may probe every tier and tell relays to forget a removed site, nothing else.
     */
    record Operator() implements Identity {
        static final String INBOX = "_INBOX.probe";

        @Override
        public String name() {
            return "operator";
        }

        @Override
        public List<String> publish() {
            return List.of("cascade.probe.>", "cascade.forget.>");
        }

        @Override
        public List<String> subscribe() {
            return List.of(INBOX + ".>");
        }

        @Override
        public String inboxPrefix() {
            return INBOX;
        }
    }

    /**
     * A tool with allow-lists given by whoever issues it (a monitor, a test's observer): for what no
     * tier identity covers. Its inbox is its own; it never answers requests.
     */
    record Tool(String name, List<String> publish, List<String> subscribe) implements Identity {
        public Tool {
            requireLabel("tool name", name);
            publish = List.copyOf(publish);
            String inbox = "_INBOX.tool." + name + ".>";
            subscribe = subscribe.contains(inbox) ? List.copyOf(subscribe)
                    : java.util.stream.Stream.concat(subscribe.stream(), java.util.stream.Stream.of(inbox)).toList();
        }

        @Override
        public String inboxPrefix() {
            return "_INBOX.tool." + name;
        }
    }

    /** A user of the system account: pushes account updates (revocations) to a server. */
    record ServerAdmin() implements Identity {
        @Override
        public String name() {
            return "admin";
        }

        @Override
        public List<String> publish() {
            return List.of("$SYS.REQ.CLAIMS.UPDATE", "$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE");
        }

        @Override
        public List<String> subscribe() {
            return List.of(inboxPrefix() + ".>");
        }

        @Override
        public String inboxPrefix() {
            return "_INBOX.admin";
        }

        @Override
        public boolean system() {
            return true;
        }
    }

    private static void requireLabel(String what, String value) {
        if (!DnsLabel.isValid(value)) {
            throw new IllegalArgumentException(what + " must be a DNS label (lower-case letters, digits, '-'), got " + value);
        }
    }
}
