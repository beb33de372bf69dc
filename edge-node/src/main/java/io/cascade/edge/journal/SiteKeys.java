package io.cascade.edge.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One site's key space in every column family: keys are {@code <site UTF-8> 0x00 <suffix>}. A site id
 * never contains NUL, so one site's keys are exactly the range [{@code <site>\0}, {@code <site>\1}),
 * and no other site's key falls inside it (site {@code a} and site {@code ab} included).
 */
final class SiteKeys {

    private final byte[] prefix;

    SiteKeys(String site) {
        if (site.isEmpty() || site.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("site id must be non-empty and without NUL characters, was \""
                    + site.replace("\0", "\\0") + "\"");
        }
        byte[] utf8 = site.getBytes(StandardCharsets.UTF_8);
        prefix = Arrays.copyOf(utf8, utf8.length + 1);
    }

    /** The first key of the site (inclusive lower bound). */
    byte[] first() {
        return prefix.clone();
    }

    /** Just past the site's last key (exclusive upper bound). */
    byte[] end() {
        byte[] end = prefix.clone();
        end[end.length - 1] = 1;
        return end;
    }

    /** {@code <site>\0<suffix>}. */
    byte[] key(String suffix) {
        byte[] utf8 = suffix.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(prefix.length + utf8.length).put(prefix).put(utf8).array();
    }

    /** {@code <site>\0<seq>}, big-endian so that byte order is numeric order for seq >= 0. */
    byte[] key(long seq) {
        return ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(seq).array();
    }

    /** Just past every key {@code <site>\0<subPrefix>...} (exclusive upper bound). */
    byte[] endOf(String subPrefix) {
        byte[] end = key(subPrefix);
        end[end.length - 1]++;
        return end;
    }

    /** The suffix of one of this site's keys, as text. */
    String suffix(byte[] key) {
        return new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8);
    }

    /** The sequence of one of this site's numeric keys. */
    long seq(byte[] key) {
        return ByteBuffer.wrap(key, prefix.length, Long.BYTES).getLong();
    }
}
