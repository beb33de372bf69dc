package io.cascade.topology;

import java.util.regex.Pattern;

/**
 * The one rule for names that become NATS subject tokens, KV keys and Kubernetes names (regions,
 * sites, apps, namespaces): an RFC 1123 DNS label, 1 to 63 lower-case letters, digits and '-',
 * starting and ending with a letter or digit.
 */
public final class DnsLabel {

    public static final int MAX_LENGTH = 63;
    /** For messages: what a valid name looks like. */
    public static final String RULE = "1-" + MAX_LENGTH
            + " lower-case letters, digits and '-', starting and ending with a letter or digit";

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private DnsLabel() {}

    public static boolean isValid(String s) {
        return s != null && s.length() <= MAX_LENGTH && LABEL.matcher(s).matches();
    }
}
