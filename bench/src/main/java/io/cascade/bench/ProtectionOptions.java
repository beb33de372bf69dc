package io.cascade.bench;

import io.cascade.topology.natsconf.Protection;
import picocli.CommandLine.Option;

/**
 * {@code --auth on|off} and {@code --tls on|off}: which protections a scenario's nats-servers run
 * with, so that one machine can measure what each costs. Both default to on, as Cascade runs.
 */
public final class ProtectionOptions {

    /** A picocli switch value. */
    public enum Switch { on, off }

    @Option(names = "--auth", defaultValue = "on", description = "Operator-mode auth on every server: on or off (default: ${DEFAULT-VALUE}).")
    Switch auth = Switch.on;

    @Option(names = "--tls", defaultValue = "on", description = "TLS on the leaf links and the relays' client ports: on or off "
            + "(default: ${DEFAULT-VALUE}; on needs --auth on).")
    Switch tls = Switch.on;

    /** The chosen protections; TLS without auth is refused with a message saying so. */
    public Protection protection() {
        return new Protection(auth == Switch.on, tls == Switch.on);
    }

    /** The suffix of a result file's name: none for both on, else e.g. {@code -auth-off-tls-off}. */
    public static String fileSuffix(Protection p) {
        if (p.equals(Protection.FULL)) {
            return "";
        }
        return (p.auth() ? "" : "-auth-off") + (p.tls() ? "" : "-tls-off");
    }
}
