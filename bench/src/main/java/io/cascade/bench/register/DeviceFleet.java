package io.cascade.bench.register;

import io.cascade.bench.Jvm;
import io.cascade.edge.EdgeConfig;
import io.cascade.edge.EdgeHost;
import io.cascade.edge.EdgeNode;
import io.cascade.edge.EdgeTuning;
import io.cascade.edge.provider.Providers;
import io.cascade.edge.registration.SiteIdentity;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * The devices of a registration run, in their own process so that their CPU (key generation, the
 * client halves of the TLS handshakes, the edges) is measured apart from the hub's and cannot
 * starve it of a share it would have on a real fleet. Each device, at most {@code callers} at
 * once: its key and RegisterSite ({@code register}), its identity files ({@code store}), its edge
 * started on its region's host ({@code connect}), its first status acknowledged ({@code firstAck}).
 * Prints one tab-separated line per device as it gets through, then {@code done}, and keeps the
 * edges running until its standard input closes.
 *
 * <p>Arguments: {@code HUB_HOST:PORT CA_FILE WORK_DIR SITES CALLERS TIMEOUT_S REGION=TOKEN...}.
 */
public final class DeviceFleet {

    static final Map<String, String> LABELS = Map.of("tier", "store");

    private DeviceFleet() {}

    public static void main(String[] args) throws Exception {
        SiteIdentity.Hub hub = new SiteIdentity.Hub(args[0], Path.of(args[1]));
        Path dir = Path.of(args[2]);
        int sites = Integer.parseInt(args[3]);
        int callers = Integer.parseInt(args[4]);
        Duration timeout = Duration.ofSeconds(Long.parseLong(args[5]));
        Map<String, String> tokens = new LinkedHashMap<>();
        for (int i = 6; i < args.length; i++) {
            String[] rt = args[i].split("=", 2);
            tokens.put(rt[0], rt[1]);
        }
        PrintStream out = System.out;
        Map<String, EdgeHost> hosts = new LinkedHashMap<>();
        for (String region : tokens.keySet()) {
            hosts.put(region, EdgeHost.open(EdgeTuning.DEFAULTS, dir.resolve("journal-" + region)));
        }
        try {
            Semaphore permits = new Semaphore(callers);
            try (ExecutorService running = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < sites; i++) {
                    permits.acquire();
                    String region = i % 2 == 0 ? "eu" : "us";
                    String site = String.format("%s-dev-%05d", region, i / 2 + 1);
                    running.execute(() -> {
                        try {
                            String line = device(dir, site, region, tokens.get(region), hub, hosts.get(region), timeout);
                            synchronized (out) {
                                out.println(line);
                                out.flush();
                            }
                        } finally {
                            permits.release();
                        }
                    });
                }
            }
            synchronized (out) {
                out.println("done");
                out.flush();
            }
            while (System.in.read() >= 0) {
                // the edges keep running until the bench closes our input
            }
        } finally {
            for (EdgeHost h : hosts.values()) {
                h.close();
            }
        }
    }

    /** One device: {@code site register store connect firstAck error} (ms; error "-" when it got through). */
    static String device(Path dir, String site, String region, String token, SiteIdentity.Hub hub, EdgeHost host,
                         Duration timeout) {
        long t0 = System.nanoTime();
        double registerMs = 0;
        double storeMs = 0;
        double connectMs = 0;
        try {
            Path identityDir = dir.resolve("devices").resolve(site);
            SiteIdentity.Joined joined = SiteIdentity.call(identityDir, site, region, LABELS, token, hub);
            long registered = System.nanoTime();
            registerMs = Jvm.ms(registered - t0);
            SiteIdentity id = SiteIdentity.store(identityDir, site, joined);
            long t1 = System.nanoTime();
            storeMs = Jvm.ms(t1 - registered);
            EdgeNode node = host.add(new EdgeConfig(site, region, id.labels(), id.relayUrls().getFirst(), Optional.empty(),
                    Optional.of(id.credentials())), Providers.fromSpec("sim"));
            long t2 = System.nanoTime();
            connectMs = Jvm.ms(t2 - t1);
            long deadline = t2 + timeout.toNanos();
            while (node.reporter().firstAckedNanos() == 0) {
                if (System.nanoTime() > deadline) {
                    return line(site, registerMs, storeMs, connectMs, 0, "no status ack within " + timeout);
                }
                Thread.sleep(2);
            }
            return line(site, registerMs, storeMs, connectMs, Jvm.ms(node.reporter().firstAckedNanos() - t2), null);
        } catch (Exception e) {
            return line(site, registerMs, storeMs, connectMs, 0, e.toString());
        }
    }

    private static String line(String site, double r, double s, double c, double a, String error) {
        return String.join("\t", site, Double.toString(r), Double.toString(s), Double.toString(c), Double.toString(a),
                error == null ? "-" : error.replace('\t', ' ').replace('\n', ' '));
    }

    /** Parses a line of {@link #device}. */
    static RegisterBench.Device parse(String line) {
        String[] f = line.split("\t", 6);
        return new RegisterBench.Device(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                Double.parseDouble(f[4]), f[5].equals("-") ? null : f[5]);
    }
}
