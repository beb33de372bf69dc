package io.cascade.topology.natsconf;

/**
 * Which of the fabric's protections a local fabric's nats-servers run with. Every rendered config,
 * {@code ./cascade up} and the test harness use {@link #FULL}; the others exist so that a benchmark
 * can measure what each protection costs on the same machine ({@code bench fanout --auth off --tls off}).
 *
 * @param auth operator mode: every client and leaf link logs in with its own identity (JWT + nkey)
 * @param tls  leaf links and the relays' client ports over TLS with the fleet CA's certificates;
 *             needs {@code auth}, because a site gets the CA in its creds file
 */
public record Protection(boolean auth, boolean tls) {

    /** Operator-mode auth and TLS: what Cascade runs with. */
    public static final Protection FULL = new Protection(true, true);
    /** Neither: anonymous clients over plain TCP, only for measuring. */
    public static final Protection NONE = new Protection(false, false);

    public Protection {
        if (tls && !auth) {
            throw new IllegalArgumentException("TLS without auth is not a mode Cascade has: a site gets the fleet CA "
                    + "with its credentials; use --auth on with --tls on");
        }
    }

    @Override
    public String toString() {
        return "auth " + (auth ? "on" : "off") + ", TLS " + (tls ? "on" : "off");
    }
}
