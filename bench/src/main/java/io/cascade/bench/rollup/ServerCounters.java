package io.cascade.bench.rollup;

import com.fasterxml.jackson.databind.JsonNode;
import io.cascade.topology.Subjects;
import io.cascade.topology.launch.NatsServerProcess;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One nats-server's traffic counters at one moment: its {@code /varz} totals, and what came in from
 * each source, from {@code /leafz} (one source per leaf connection, named after the JetStream domain
 * of the server behind it, which its {@code $JS.<domain>.API} interest gives away; nats-server 2.9
 * reports no leaf name) and {@code /connz} (client connections grouped by name: every
 * {@code <something>-edge-<site>} connection falls into {@code <something>-edge-*}). Two readings
 * make a {@link Window}. The sources are read right after {@code /varz}, so over a window they may
 * differ from its totals by the few messages of those milliseconds, either way.
 */
final class ServerCounters {

    /** Not attributed to any leaf or client connection open at both readings (internal, closed ones). */
    static final String UNATTRIBUTED = "(not attributed)";
    private static final Pattern EDGE = Pattern.compile("(.*-edge-).+");
    private static final Pattern JS_DOMAIN = Pattern.compile("\\$JS\\.([^.]+)\\.API\\..*");
    private static final int PAGE = 1024;

    /**
     * A count of messages and payload bytes.
     *
     * @param msgs  messages
     * @param bytes their payload bytes
     */
    private record Count(long msgs, long bytes) {
        Count plus(Count o) {
            return new Count(msgs + o.msgs, bytes + o.bytes);
        }

        Count minus(Count o) {
            return new Count(msgs - o.msgs, bytes - o.bytes);
        }
    }

    /**
     * What one server took in and sent between two readings.
     *
     * @param seconds       the window, between the two {@code /varz} reads
     * @param in            every message the server received ({@code /varz} in_msgs, in_bytes)
     * @param out           every message it delivered ({@code /varz} out_msgs, out_bytes)
     * @param inBySource    {@code in} per leaf and per connection group, plus {@value #UNATTRIBUTED}
     * @param subscriptions the server's subscriptions at the end ({@code /varz}), its interest table's size
     */
    record Window(double seconds, Traffic in, Traffic out, Map<String, Traffic> inBySource, long subscriptions) {}

    private final long atNanos;
    private final Count in;
    private final Count out;
    private final Map<String, Count> inBySource;
    private final long subscriptions;

    private ServerCounters(long atNanos, Count in, Count out, Map<String, Count> inBySource, long subscriptions) {
        this.atNanos = atNanos;
        this.in = in;
        this.out = out;
        this.inBySource = inBySource;
        this.subscriptions = subscriptions;
    }

    /** Reads {@code /varz}, then {@code /leafz} and every page of {@code /connz}. */
    static ServerCounters read(NatsServerProcess server) throws InterruptedException {
        long at = System.nanoTime();
        JsonNode varz = server.monitor("/varz");
        Map<String, Count> bySource = new TreeMap<>();
        String systemAccount = server.config().auth().map(a -> a.systemAccount()).orElse("");
        for (JsonNode leaf : server.monitor("/leafz?subs=1").path("leafs")) {
            // each relay has two links: the fleet's, and one in the system account for account updates
            String kind = systemAccount.equals(leaf.path("account").asText()) ? "system leaf " : "leaf ";
            bySource.merge(kind + leafName(leaf), count(leaf, "in"), Count::plus);
        }
        for (int offset = 0; ; offset += PAGE) {
            JsonNode connz = server.monitor("/connz?limit=" + PAGE + "&offset=" + offset);
            JsonNode conns = connz.path("connections");
            for (JsonNode c : conns) {
                bySource.merge("client " + group(c.path("name").asText("")), count(c, "in"), Count::plus);
            }
            if (conns.size() < PAGE || offset + conns.size() >= connz.path("total").asInt()) {
                break;
            }
        }
        return new ServerCounters(at, count(varz, "in"), count(varz, "out"), bySource,
                varz.path("subscriptions").asLong());
    }

    /**
     * The JetStream domain behind a leaf connection: the hub's ({@code core}) when it is among the
     * domains the leaf has interest in (a relay's link to the hub also carries the other relays'
     * interest), else the only one; its address when that does not tell.
     */
    private static String leafName(JsonNode leaf) {
        Set<String> domains = new TreeSet<>();
        for (JsonNode sub : leaf.path("subscriptions_list")) {
            Matcher m = JS_DOMAIN.matcher(sub.asText());
            if (m.matches()) {
                domains.add(m.group(1));
            }
        }
        if (domains.contains(Subjects.HUB_DOMAIN)) {
            return Subjects.HUB_DOMAIN;
        }
        if (domains.size() == 1) {
            return domains.iterator().next();
        }
        // with trust on, a relay's leaf user never lets its JetStream API interest up to the hub: named by address
        return leaf.path("ip").asText() + ":" + leaf.path("port").asText();
    }

    /** A connection name as its group: {@code cascade-edge-eu-site-00001} → {@code cascade-edge-*}. */
    static String group(String connectionName) {
        if (connectionName.isEmpty()) {
            return "(unnamed)";
        }
        Matcher m = EDGE.matcher(connectionName);
        return m.matches() ? m.group(1) + "*" : connectionName;
    }

    private static Count count(JsonNode node, String direction) {
        return new Count(node.path(direction + "_msgs").asLong(), node.path(direction + "_bytes").asLong());
    }

    /** What came in and went out from {@code earlier} to this reading. */
    Window since(ServerCounters earlier) {
        double seconds = (atNanos - earlier.atNanos) / 1e9;
        Count total = in.minus(earlier.in);
        Map<String, Traffic> bySource = new LinkedHashMap<>();
        Count attributed = new Count(0, 0);
        for (var e : inBySource.entrySet()) {
            Count before = earlier.inBySource.get(e.getKey());
            if (before == null) {
                continue; // opened during the window: left to the unattributed rest
            }
            Count d = e.getValue().minus(before);
            attributed = attributed.plus(d);
            bySource.put(e.getKey(), Traffic.of(d.msgs, d.bytes, seconds));
        }
        Count rest = total.minus(attributed);
        bySource.put(UNATTRIBUTED, Traffic.of(rest.msgs, rest.bytes, seconds));
        Count sent = out.minus(earlier.out);
        return new Window(seconds, Traffic.of(total.msgs, total.bytes, seconds), Traffic.of(sent.msgs, sent.bytes, seconds),
                bySource, subscriptions);
    }
}
