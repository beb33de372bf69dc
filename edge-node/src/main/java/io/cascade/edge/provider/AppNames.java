package io.cascade.edge.provider;

import java.util.regex.Pattern;

/** The rule every provider applies to app names before using them in paths and object names. */
final class AppNames {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private AppNames() {}

    /** Throws a non-retryable {@link ProviderException} unless {@code app} is a DNS label. */
    static String check(String app) throws ProviderException {
        if (app == null || !DNS_LABEL.matcher(app).matches()) {
            throw new ProviderException(
                    "app name must be a DNS label (lower-case letters, digits, '-', at most 63), got \"" + app + "\"", false);
        }
        return app;
    }

    static boolean isDnsLabel(String text) {
        return text != null && DNS_LABEL.matcher(text).matches();
    }
}
