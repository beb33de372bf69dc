package io.cascade.topology.client;

/**
 * Whether a KV key matches a filter the way a NATS subject matches a subscription: keys are dot-separated
 * tokens, {@code *} matches exactly one token, {@code >} (last) matches one or more remaining tokens.
 */
public final class KeyFilter {

    private KeyFilter() {}

    public static boolean matches(String filter, String key) {
        String[] f = filter.split("\\.", -1);
        String[] k = key.split("\\.", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals(">") && i == f.length - 1) {
                return k.length > i;
            }
            if (i >= k.length || !(f[i].equals("*") || f[i].equals(k[i]))) {
                return false;
            }
        }
        return f.length == k.length;
    }
}
