package io.cascade.relay.fanout;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Appends an already-serialized doc to a serialized message as one of its message fields, so the
 * relay forwards the bucket's bytes without parsing and re-encoding them. On the wire an embedded
 * message is a length-delimited field, so the result parses exactly as if the field had been set.
 */
public final class DocFields {

    private DocFields() {}

    public static byte[] append(byte[] message, int fieldNumber, byte[] doc) {
        int size = message.length + CodedOutputStream.computeByteArraySize(fieldNumber, doc);
        byte[] out = new byte[size];
        System.arraycopy(message, 0, out, 0, message.length);
        CodedOutputStream cos = CodedOutputStream.newInstance(out, message.length, size - message.length);
        try {
            cos.writeByteArray(fieldNumber, doc);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
