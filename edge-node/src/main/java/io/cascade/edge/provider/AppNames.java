package io.cascade.edge.provider;


/** The rule every provider applies to app names before using them in paths and object names. */
public final class AppNames {


    private AppNames() {}

    /** Throws a non-retryable {@link ProviderException} unless {@code app} is a DNS label. */
    public static String check(String app) throws ProviderException {
        if (!io.cascade.topology.DnsLabel.isValid(app)) {
            throw new ProviderException(
                    "app name must be a DNS label (lower-case letters, digits, '-', at most 63), got \"" + app + "\"", false);
        }
        return app;
    }

    public static boolean isDnsLabel(String text) {
        return io.cascade.topology.DnsLabel.isValid(text);
    }
}
