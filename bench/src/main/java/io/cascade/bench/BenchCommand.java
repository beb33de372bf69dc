package io.cascade.bench;

import io.cascade.bench.catchup.CatchupCommand;
import io.cascade.bench.fanout.FanoutCommand;
import io.cascade.bench.memory.MemoryCommand;
import io.cascade.bench.publish.PublishCommand;
import io.cascade.bench.raw.RawFanoutCommand;
import io.cascade.bench.rollup.RollupCommand;
import io.cascade.topology.launch.CommandMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cascade bench SCENARIO}: benchmarks on real nats-servers, results as JSON and Markdown. */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "cascade-bench 0.1.0",
        description = "Benchmarks on real nats-servers (hub + relays on this machine); each scenario writes "
                + "<scenario>-<edges>.json and .md to --out.",
        subcommands = {RawFanoutCommand.class, FanoutCommand.class, CatchupCommand.class, RollupCommand.class,
                PublishCommand.class, MemoryCommand.class, io.cascade.bench.register.RegisterCommand.class,
                io.cascade.bench.replicas.ReplicasCommand.class, io.cascade.bench.failover.FailoverCommand.class,
                io.cascade.bench.dashboard.DashboardCommand.class,
                io.cascade.bench.footprint.FootprintCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        CommandMain.exit(new BenchCommand(), args);
    }
}
