package io.cascade.bench.catchup;

import io.cascade.bench.BenchReport;
import io.cascade.bench.MachineFacts;
import io.cascade.bench.ScenarioCommand;
import io.cascade.bench.catchup.CatchupSettings.Shape;
import io.cascade.bench.fleet.BenchFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cascade bench catchup}: an edge offline while K deltas on M keys are published, then back on its journal. */
@Command(name = "catchup", mixinStandardHelpOptions = true,
        description = {"Catch-up after an edge was offline: a hub, 2 relays and one edge (RocksDB journal, simulated "
                + "provider) converged on M apps; the edge stops, K intents are published round-robin over the M apps "
                + "through the hub's gRPC FleetService, and once the relay holds them the edge restarts on the same "
                + "journal. Measures the publishes, the time from the restart until the edge runs every app's last "
                + "version, the docs and bytes its sync carried, and the applies per app.",
                "Several values of --deltas and --keys run every combination, each on a fresh fleet.",
                "Writes catchup-<K>x<M>.json and .md (one combination) or catchup.json and .md (several) to --out "
                        + "and prints them; exits 1 when the edge did not converge, got more docs than keys, or applied "
                        + "an app other than once."})
public final class CatchupCommand extends ScenarioCommand {

    @Option(names = "--deltas", split = ",", defaultValue = "1000", paramLabel = "K[,K...]",
            description = "Intents published while the edge is offline (default: ${DEFAULT-VALUE}).")
    List<Integer> deltas;

    @Option(names = "--keys", split = ",", defaultValue = "10", paramLabel = "M[,M...]",
            description = "Apps the intents are spread over round-robin (default: ${DEFAULT-VALUE}; at most "
                    + CatchupSettings.MAX_KEYS + ").")
    List<Integer> keys;

    @Option(names = "--publish-concurrency", defaultValue = "16",
            description = "PublishIntent calls in flight at once (default: ${DEFAULT-VALUE}).")
    int publishConcurrency;

    @Option(names = "--pad-bytes", defaultValue = "256",
            description = "Extra data bytes in each intent's ConfigMap, the size of a doc (default: ${DEFAULT-VALUE}).")
    int padBytes;

    @Option(names = "--timeout", defaultValue = "300",
            description = "Seconds each wait may take: initial convergence, the relay's mirror, the catch-up (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--settle", defaultValue = "2000",
            description = "Milliseconds the edge keeps running after it converged before its applies are counted (default: ${DEFAULT-VALUE}).")
    int settleMillis;

    @Override
    protected BenchReport run(Path dir) throws Exception {
        CatchupSettings settings = new CatchupSettings(deltas, keys, publishConcurrency, padBytes,
                Duration.ofSeconds(timeoutSeconds), Duration.ofMillis(settleMillis));
        String startedAt = Instant.now().toString();
        MachineFacts machine = null;
        String site = null;
        List<CatchupReport.Run> runs = new ArrayList<>();
        List<Shape> shapes = settings.shapes();
        for (int i = 0; i < shapes.size(); i++) {
            Shape shape = shapes.get(i);
            try (BenchFleet fleet = BenchFleet.start(1, dir.resolve((i + 1) + "-" + shape))) {
                if (machine == null) {
                    machine = fleet.machine();
                    site = fleet.fleetSpec().requireRegion(Catchup.REGION).sites().getFirst().name();
                }
                runs.add(new Catchup(fleet, settings, shape).run());
            }
        }
        var reportSettings = new CatchupReport.Settings(settings.deltas(), settings.keys(), publishConcurrency, padBytes,
                site, Catchup.PROVIDER, Catchup.tuningMillis(), settleMillis, settings.fileStem());
        return new CatchupReport(CatchupReport.SCENARIO, startedAt, machine, reportSettings, runs);
    }
}
