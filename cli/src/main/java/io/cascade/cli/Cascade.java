package io.cascade.cli;

import io.cascade.cli.intent.IntentsCommand;
import io.cascade.cli.intent.PublishCommand;
import io.cascade.cli.intent.WithdrawCommand;
import io.cascade.cli.rollup.RolloutCommand;
import io.cascade.cli.rollup.SitesCommand;
import io.cascade.cli.rollup.StatusCommand;
import io.cascade.cli.up.UpCommand;
import io.cascade.edge.EdgeCommand;
import io.cascade.hub.HubCommand;
import io.cascade.relay.RelayCommand;
import io.cascade.topology.launch.CommandMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cascade} command: one entry point for every tier and tool. */
@Command(name = "cascade", mixinStandardHelpOptions = true, version = "cascade 0.1.0",
        description = "Cascade: desired state from a core hub through regional relays to thousands of edge sites.",
        subcommands = {
            UpCommand.class,
            HubCommand.class,
            RelayCommand.class,
            EdgeCommand.class,
            PublishCommand.class,
            IntentsCommand.class,
            WithdrawCommand.class,
            StatusCommand.class,
            RolloutCommand.class,
            SitesCommand.class,
            TopologyCommand.class,
            TrustCommand.class,
            TokenCommand.class,
            TestCommand.class,
        })
public final class Cascade implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        CommandMain.exit(new Cascade(), args);
    }
}
