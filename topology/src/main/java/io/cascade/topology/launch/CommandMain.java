package io.cascade.topology.launch;

import picocli.CommandLine;

/**
 * How every Cascade command line ends: bad input (a fleet file with errors, a wrong option value)
 * prints one clear message and exits 2, a failure to run exits 1 with its message; neither dumps a
 * stack trace on the user.
 */
public final class CommandMain {

    /** Exit code for input the user must fix. */
    public static final int BAD_INPUT = 2;
    /** Exit code for a failure while running. */
    public static final int FAILED = 1;

    private CommandMain() {}

    public static CommandLine commandLine(Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText(cmd.getCommandName() + ": " + e.getMessage()));
            if (Boolean.getBoolean("cascade.debug")) {
                e.printStackTrace(cmd.getErr());
            }
            return e instanceof IllegalArgumentException ? BAD_INPUT
                    : FAILED;
        });
        return cli;
    }

    /** Runs {@code command} with {@code args} and exits the JVM with its exit code. */
    public static void exit(Object command, String[] args) {
        System.exit(commandLine(command).execute(args));
    }
}
