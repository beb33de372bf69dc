package io.cascade.edge.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The framing every journal value shares: a leading format byte, so that a later edge can change an
 * encoding and still read the old one, and length-prefixed UTF-8 strings. A value in an unknown
 * format is a journal written by a newer edge (or damaged): reading it fails with a message that
 * says which record.
 */
final class RecordFormat {

    private RecordFormat() {}

    /** {@code bytes} positioned after its format byte, which must be {@code expected}. */
    static ByteBuffer open(byte[] bytes, byte expected, String what) {
        if (bytes.length == 0 || bytes[0] != expected) {
            throw new JournalException("journal " + what + " record has format "
                    + (bytes.length == 0 ? "(empty)" : Byte.toString(bytes[0])) + ", this edge reads format "
                    + expected + " (written by a newer edge, or damaged)");
        }
        return ByteBuffer.wrap(bytes, 1, bytes.length - 1).slice();
    }

    static int size(String s) {
        return Integer.BYTES + s.getBytes(StandardCharsets.UTF_8).length;
    }

    static void putString(ByteBuffer out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.putInt(utf8.length).put(utf8);
    }

    static String getString(ByteBuffer in) {
        byte[] utf8 = new byte[in.getInt()];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
