package io.cascade.hub.rollup;


/**
 * The check of an app or region name in a rollup request: a DNS label, with the same wording as the
 * intent validator's (whose check is package-private to {@code intent}).
 */
final class DnsLabel {

    private static final int MAX_LENGTH = 63;

    private DnsLabel() {}

    /** Returns {@code value} when it is a DNS label, else throws {@code INVALID} naming {@code field}. */
    static String require(String field, String value) throws RollupException {
        if (value.isEmpty()) {
            throw new RollupException(RollupException.Reason.INVALID, field + ": required: a DNS label such as \"web\"");
        }
        if (!io.cascade.topology.DnsLabel.isValid(value)) {
            throw new RollupException(RollupException.Reason.INVALID, field + ": " + quote(value) + " is not a DNS label: "
                    + "use 1 to " + MAX_LENGTH + " lower-case letters, digits or '-', starting and ending with a letter or digit");
        }
        return value;
    }

    /** {@code s} in double quotes, cut at 100 characters, quotes and backslashes escaped. */
    static String quote(String s) {
        String shown = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
