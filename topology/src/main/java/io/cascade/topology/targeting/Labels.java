package io.cascade.topology.targeting;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

/**
 * The Kubernetes rules for label keys and values (apimachinery {@code IsQualifiedName} and
 * {@code IsValidLabelValue}).
 *
 * <ul>
 *   <li>key: an optional prefix and {@code '/'}, then a name. The name is 1–63 characters matching
 *       {@code [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?}; the prefix is a lowercase RFC 1123 DNS subdomain
 *       of at most 253 characters ({@code topology.kubernetes.io/zone}).
 *   <li>value: empty, or 1–63 characters with the same charset and start/end rule as a key's name.
 * </ul>
 *
 * <p>The checks return the error instead of throwing so that a validator can name the offending field.
 */
public final class Labels {

    /** Longest name part of a key, and longest value. */
    public static final int MAX_NAME_LENGTH = 63;
    /** Longest prefix part of a key. */
    public static final int MAX_PREFIX_LENGTH = 253;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private static final String NAME_FORMAT = "consist of alphanumeric characters, '-', '_' or '.', "
            + "and must start and end with an alphanumeric character";
    private static final int MAX_QUOTED = 200;

    private Labels() {}

    /** {@code labels} as {@code k=v,k2=v2}, sorted by key: the form {@code --labels} takes and tokens list. */
    public static String format(Map<String, String> labels) {
        return new TreeMap<>(labels).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /**
     * Why {@code key} is not a valid label key, e.g.
     * {@code label key "Tier!" is invalid: name part must consist of ...}; empty when it is valid.
     */
    public static Optional<String> keyError(String key) {
        return keyProblem(key).map(problem -> "label key " + quote(key) + " is invalid: " + problem);
    }

    /** Why {@code value} is not a valid label value; empty when it is valid (the empty string is). */
    public static Optional<String> valueError(String value) {
        return valueProblem(value).map(problem -> "label value " + quote(value) + " is invalid: " + problem);
    }

    /** The reason alone, without the quoted key, for callers that add their own context. */
    static Optional<String> keyProblem(String key) {
        if (key == null) {
            return Optional.of("a label key is required");
        }
        int slash = key.indexOf('/');
        if (slash < 0) {
            return nameProblem(key);
        }
        if (key.indexOf('/', slash + 1) >= 0) {
            return Optional.of("a key is a name with an optional DNS subdomain prefix and one '/' "
                    + "(e.g. 'example.com/MyName'), but it has more than one '/'");
        }
        String prefix = key.substring(0, slash);
        if (prefix.isEmpty()) {
            return Optional.of("prefix part must be non-empty");
        }
        if (prefix.length() > MAX_PREFIX_LENGTH) {
            return Optional.of("prefix part must be no more than " + MAX_PREFIX_LENGTH + " characters (it has "
                    + prefix.length() + ")");
        }
        if (!DNS_SUBDOMAIN.matcher(prefix).matches()) {
            return Optional.of("prefix part must be a lowercase RFC 1123 subdomain: lowercase alphanumeric "
                    + "characters, '-' or '.', each dot-separated part starting and ending with an alphanumeric "
                    + "character (e.g. 'example.com')");
        }
        return nameProblem(key.substring(slash + 1));
    }

    static Optional<String> valueProblem(String value) {
        if (value == null) {
            return Optional.of("a label value is required (it may be empty)");
        }
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.length() > MAX_NAME_LENGTH) {
            return Optional.of("must be no more than " + MAX_NAME_LENGTH + " characters (it has "
                    + value.length() + ")");
        }
        if (!NAME.matcher(value).matches()) {
            return Optional.of("must be empty or " + NAME_FORMAT);
        }
        return Optional.empty();
    }

    private static Optional<String> nameProblem(String name) {
        if (name.isEmpty()) {
            return Optional.of("name part must be non-empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return Optional.of("name part must be no more than " + MAX_NAME_LENGTH + " characters (it has "
                    + name.length() + ")");
        }
        if (!NAME.matcher(name).matches()) {
            return Optional.of("name part must " + NAME_FORMAT);
        }
        return Optional.empty();
    }

    /**
     * {@code s} in double quotes for an error message: quotes, backslashes and control characters escaped,
     * long text cut short so one bad field cannot flood a log line.
     */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        String shown = s.length() > MAX_QUOTED ? s.substring(0, MAX_QUOTED) : s;
        StringBuilder out = new StringBuilder(shown.length() + 2).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
        if (shown.length() < s.length()) {
            out.append("... (").append(s.length()).append(" characters)");
        }
        return out.toString();
    }
}
