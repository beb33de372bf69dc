package io.cascade.bench.publish;

import io.cascade.bench.MachineFacts;
import io.cascade.bench.fleet.BenchFleet;
import io.cascade.bench.fleet.BenchIntents;
import io.cascade.bench.publish.PublishClients.Outcome;
import io.cascade.bench.publish.PublishReport.Level;
import io.cascade.bench.publish.PublishReport.Verification;
import io.nats.client.JetStreamApiException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publish scenario: operators publishing intents to the hub's FleetService at growing concurrency.
 * A warm-up first (a cold JVM makes the first publishes slow), then each level in turn, each followed by
 * a check of the hub's state ({@link HubState}).
 */
final class PublishBench {

    private static final Logger LOG = LoggerFactory.getLogger(PublishBench.class);

    static final String CONNECTIONS = "Each client has its own gRPC channel (TCP connection) and one call in flight";

    private final BenchFleet fleet;
    private final PublishSettings settings;
    private final List<String> apps;

    PublishBench(BenchFleet fleet, PublishSettings settings) {
        this.fleet = fleet;
        this.settings = settings;
        this.apps = settings.appNames();
    }

    PublishReport run() throws IOException, InterruptedException, JetStreamApiException {
        String startedAt = Instant.now().toString();
        MachineFacts machine = fleet.machine();
        List<String> regions = fleet.fleetSpec().regionNames();
        int intentBytes = BenchIntents.app(apps.getLast(), "level-9.99999", settings.padBytes()).getSerializedSize();
        try (HubState state = HubState.open(fleet.fabric(), fleet.fleetService(), regions)) {
            Level warmup = settings.warmup() == 0 ? null
                    : level(state, "warmup", settings.warmupClients(), settings.warmup());
            List<Level> levels = new ArrayList<>();
            for (int n = 0; n < settings.clients().size(); n++) {
                levels.add(level(state, "level-" + (n + 1), settings.clients().get(n), settings.publishes()));
            }
            var reportSettings = new PublishReport.Settings(settings.clients(), settings.publishes(), settings.apps(),
                    settings.warmup(), settings.warmupClients(), settings.sites(), regions, intentBytes,
                    settings.deadline().toMillis(), CONNECTIONS);
            return new PublishReport(PublishReport.SCENARIO, startedAt, machine, reportSettings, warmup, levels);
        }
    }

    /** {@code publishes} publishes by {@code clients} clients, bundle versions {@code <tag>.<i>}; then the check. */
    private Level level(HubState state, String tag, int clients, int publishes)
            throws IOException, InterruptedException, JetStreamApiException {
        Outcome<PublishReport.Sample> outcome;
        try (PublishClients c = PublishClients.connect(fleet.hub().grpcPort(), fleet.fabric().trust().caCertFile(),
                BenchFleet.operatorToken(fleet.fabric()), clients, settings.deadline())) {
            outcome = c.publish(publishes, apps, tag, settings.padBytes(), () -> new PublishReport.Sample(fleet.cpu(), state.snapshot()));
        }
        Verification v = state.verify(outcome.before().hub(), outcome.after().hub(), outcome);
        Level level = Level.of(clients, publishes, outcome, v);
        LOG.info("{}: {} clients, {}/{} publishes in {} ms ({}/s), p50 {} ms, p99 {} ms, max {} ms, errors {}, "
                        + "{} JetStream API requests per publish, {} consumers on KV desired; state: {}",
                tag, clients, level.succeeded(), publishes, level.wallMs(), level.publishesPerSecond(),
                level.latencyMs().p50(), level.latencyMs().p99(), level.latencyMs().max(), level.errors(),
                level.hubJetStream().apiRequestsPerPublish(), level.hubJetStream().desiredConsumersAfter(),
                v.problemCount() == 0 ? "verified" : v.problems());
        return level;
    }
}
