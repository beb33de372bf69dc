package io.cascade.cli.up;

import io.cascade.cli.intent.IntentFile;
import io.cascade.cli.rollup.RollupTable;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.GetRollupRequest;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.Intent;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.PublishIntentResponse;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.SiteSpec;
import io.cascade.topology.targeting.ProtoTargets;
import io.cascade.topology.targeting.Target;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The second half of {@code cascade up}'s demo: publishes the bundled demo intent through the hub's
 * FleetService and shows each targeted edge applying it, as the manifest files appear in the
 * site's directory, with the time since the publish.
 */
final class DemoRollout {

    static final String RESOURCE = "/io/cascade/cli/demo-intent.yaml";

    private final PrintStream out;
    private final String hubAddress;
    private final Path ca;
    private final String token;
    private final Fleet fleet;
    private final Path sitesDir;

    DemoRollout(PrintStream out, String hubAddress, Path ca, String token, Fleet fleet, Path sitesDir) {
        this.out = out;
        this.ca = ca;
        this.token = token;
        this.hubAddress = hubAddress;
        this.fleet = fleet;
        this.sitesDir = sitesDir;
    }

    void run(Instant deadline) throws InterruptedException {
        Intent intent = IntentFile.parse(demoText(), RESOURCE);
        Target target = ProtoTargets.target(intent.getTarget());
        List<SiteSpec> targeted = fleet.regions().stream()
                .flatMap(r -> r.sites().stream().filter(s -> target.matches(r.name(), s.labels())))
                .toList();
        ManagedChannel channel = io.cascade.cli.intent.HubAddress.channel(hubAddress, ca, java.util.Optional.of(token));
        try {
            long t0 = System.nanoTime();
            PublishIntentResponse r = publish(FleetServiceGrpc.newBlockingStub(channel), intent, deadline);
            out.printf("published intent %s %s (intent revision %d, %.1f ms) for %d site(s) matching %s%n", intent.getApp(),
                    intent.getBundle().getVersion(), r.getIntentRevision(), (System.nanoTime() - t0) / 1e6,
                    targeted.size(), target.selector());
            long accepted = System.nanoTime();
            Set<String> seen = new LinkedHashSet<>();
            while (seen.size() < targeted.size()) {
                for (SiteSpec s : targeted) {
                    if (!seen.contains(s.name()) && applied(s.name(), intent.getApp(), intent.getBundle().getVersion())) {
                        seen.add(s.name());
                        out.printf("  edge %-16s applied %s %s  %7.1f ms after the hub accepted it%n", s.name(),
                                intent.getApp(), intent.getBundle().getVersion(), (System.nanoTime() - accepted) / 1e6);
                    }
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("not every targeted edge applied " + intent.getApp() + " in time; applied: " + seen);
                }
                Thread.sleep(20);
            }
            showRollup(FleetServiceGrpc.newBlockingStub(channel), intent.getApp(), r.getIntentRevision(), targeted.size(), deadline);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Waits until the hub's rollup counts every targeted site ready (status went edge → relay → hub), then prints it. */
    private void showRollup(FleetServiceGrpc.FleetServiceBlockingStub hub, String app, long revision, int sites, Instant deadline)
            throws InterruptedException {
        long t0 = System.nanoTime();
        GlobalRollup rollup;
        while (true) {
            rollup = hub.withDeadlineAfter(10, TimeUnit.SECONDS).getRollup(GetRollupRequest.getDefaultInstance()).getRollup();
            long ready = rollup.getAppsList().stream().filter(a -> a.getCounts().getApp().equals(app))
                    .mapToLong(a -> RollupTable.atRevision(a.getCounts(), revision).getReady()).sum();
            if (ready >= sites) {
                break;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the hub's rollup counts " + ready + " of " + sites + " sites ready for " + app);
            }
            Thread.sleep(50);
        }
        out.printf("the hub's rollup counts %d/%d sites ready %.1f ms later (status: edge → relay → hub):%n", sites, sites,
                (System.nanoTime() - t0) / 1e6);
        PrintWriter w = new PrintWriter(out, true);
        RollupTable.print(rollup, w);
        w.flush();
    }

    private static PublishIntentResponse publish(FleetServiceGrpc.FleetServiceBlockingStub stub, Intent intent, Instant deadline)
            throws InterruptedException {
        while (true) {
            try {
                return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                        .publishIntent(PublishIntentRequest.newBuilder().setIntent(intent).build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * True when the site's manifest-directory provider has recorded the app at this version (it
     * writes its state file last, after every manifest file).
     */
    private boolean applied(String site, String app, String version) {
        Path state = sitesDir.resolve(site).resolve(".cascade").resolve(app + ".hash");
        try {
            return Files.isRegularFile(state) && Files.readString(state).contains(version);
        } catch (IOException e) {
            return false;
        }
    }

    static String demoText() {
        try (InputStream in = DemoRollout.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
