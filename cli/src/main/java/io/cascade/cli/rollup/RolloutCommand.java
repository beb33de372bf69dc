package io.cascade.cli.rollup;

import io.cascade.cli.intent.FleetClient;
import io.cascade.proto.AppRollup;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RevisionRollup;
import io.cascade.proto.RolloutState;
import io.cascade.proto.WatchRollupRequest;
import io.cascade.proto.WatchRollupResponse;
import java.io.PrintWriter;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cascade rollout watch APP}: a live progress line per update until the rollout is done or paused. */
@Command(name = "rollout", mixinStandardHelpOptions = true, description = "Follow rollouts.",
        subcommands = {RolloutCommand.Watch.class, RolloutCommand.Pause.class, RolloutCommand.Resume.class,
            RolloutCommand.Rollback.class})
public final class RolloutCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Exit code when the rollout paused (failures passed the policy's limit). */
    public static final int PAUSED = 3;

    /** The operator's controls share this: one app, one call, the state it leaves. */
    abstract static class Control implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "APP")
        String app;

        @picocli.CommandLine.Option(names = "--reason", description = "Why, for the hub's log.")
        String reason = "";

        @Mixin
        FleetClient client;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        abstract io.cascade.proto.RolloutControlResponse send(io.cascade.proto.FleetServiceGrpc.FleetServiceBlockingStub hub,
                                                             io.cascade.proto.RolloutControlRequest request);

        @Override
        public Integer call() throws Exception {
            var request = io.cascade.proto.RolloutControlRequest.newBuilder().setApp(app).setReason(reason).build();
            var r = client.call(s -> send(s, request));
            spec.commandLine().getOut().printf("%s: %s at wave %d%%%n", app, r.getRolloutState(), r.getWavePercent());
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause APP's rollout where it is.")
    static final class Pause extends Control {
        @Override
        io.cascade.proto.RolloutControlResponse send(io.cascade.proto.FleetServiceGrpc.FleetServiceBlockingStub hub,
                                                    io.cascade.proto.RolloutControlRequest request) {
            return hub.pauseRollout(request);
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume APP's paused rollout from its current wave.")
    static final class Resume extends Control {
        @Override
        io.cascade.proto.RolloutControlResponse send(io.cascade.proto.FleetServiceGrpc.FleetServiceBlockingStub hub,
                                                    io.cascade.proto.RolloutControlRequest request) {
            return hub.resumeRollout(request);
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Roll APP back to its stable release everywhere (the candidate is dropped).")
    static final class Rollback extends Control {
        @Override
        io.cascade.proto.RolloutControlResponse send(io.cascade.proto.FleetServiceGrpc.FleetServiceBlockingStub hub,
                                                    io.cascade.proto.RolloutControlRequest request) {
            return hub.rollbackRollout(request);
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = "Show the rollout of APP live: the current wave and how many of its sites run the new revision; "
                    + "ends when every targeted site runs it (exit 0) or the rollout pauses (exit " + PAUSED + ").")
    static final class Watch implements Callable<Integer> {

        static final int BAR = 30;

        @Parameters(index = "0", paramLabel = "APP")
        String app;

        @Mixin
        FleetClient client;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            return client.stream(s -> s.watchRollup(WatchRollupRequest.newBuilder().setApp(app).build()), updates -> {
                while (updates.hasNext()) {
                    WatchRollupResponse u = updates.next();
                    for (AppRollup a : u.getRollup().getAppsList()) {
                        if (!a.getCounts().getApp().equals(app)) {
                            continue;
                        }
                        out.println(line(a));
                        out.flush();
                        if (a.getRolloutState() == RolloutState.PAUSED) {
                            out.println(app + ": rollout paused");
                            return PAUSED;
                        }
                        if (done(a)) {
                            out.println(app + ": every reachable targeted site runs revision " + a.getStableIntentRevision());
                            return 0;
                        }
                    }
                }
                return 1;
            });
        }

        static boolean done(AppRollup a) {
            IntentRollup c = a.getCounts();
            RevisionRollup at = RollupTable.atRevision(c, a.getStableIntentRevision());
            return a.getRolloutState() == RolloutState.STABLE && c.getTargeted() > 0
                    && at.getReady() >= c.getTargeted() - c.getOffline();
        }

        static String line(AppRollup a) {
            IntentRollup c = a.getCounts();
            long rev = a.hasCandidateIntentRevision() ? a.getCandidateIntentRevision() : a.getStableIntentRevision();
            RevisionRollup at = RollupTable.atRevision(c, rev);
            int total = Math.max(1, c.getTargeted());
            int filled = (int) Math.round(BAR * (double) at.getReady() / total);
            return String.format("%s [%s%s] %d/%d ready at revision %d, wave %d%%, %s, %d failed, %d offline",
                    c.getApp(), "#".repeat(filled), "-".repeat(BAR - filled), at.getReady(), c.getTargeted(), rev,
                    a.getWavePercent(), a.getRolloutState(), at.getFailed(), c.getOffline());
        }
    }

}
