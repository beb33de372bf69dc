package io.cascade.edge.desired;

import com.google.protobuf.ByteString;
import io.cascade.proto.Resource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The content hash of an app's final resources: SHA-256 (lowercase hex) over the resources in
 * canonical order ({@link ResourceId}), each contributing its kind, whether a namespace is set and
 * which, its name, its content type and the SHA-256 of its content, every field length-prefixed so
 * that no two different resource lists encode alike. Equal content gives an equal hash whatever the
 * order in the docs; a changed byte anywhere gives another.
 *
 * <p>Each resource's {@code sha256} is recomputed from its content here, not taken from the doc: a
 * substituted manifest no longer matches the hub's value, and the provider relies on it to skip
 * unchanged resources and to see drift.
 */
final class ContentHash {

    private static final HexFormat HEX = HexFormat.of();
    private static final Comparator<Resource> CANONICAL = Comparator.comparing(ResourceId::of)
            .thenComparing(Resource::hasNamespace);

    /** The resources in canonical order with their sha256 filled in, and the hash over them. */
    record Hashed(List<Resource> resources, String contentHash) {}

    private ContentHash() {}

    static Hashed of(Collection<Resource> resources) {
        List<Resource> sorted = new ArrayList<>(resources.size());
        for (Resource resource : resources) {
            MessageDigest digest = sha256();
            digest.update(content(resource).asReadOnlyByteBuffer());
            String sha256 = HEX.formatHex(digest.digest());
            sorted.add(sha256.equals(resource.getSha256()) ? resource : resource.toBuilder().setSha256(sha256).build());
        }
        sorted.sort(CANONICAL);
        MessageDigest all = sha256();
        all.update(ByteBuffer.allocate(Integer.BYTES).putInt(sorted.size()).array());
        for (Resource resource : sorted) {
            field(all, resource.getKind());
            all.update((byte) (resource.hasNamespace() ? 1 : 0));
            field(all, resource.getNamespace());
            field(all, resource.getName());
            all.update((byte) resource.getContentCase().getNumber());
            field(all, resource.getSha256());
        }
        return new Hashed(List.copyOf(sorted), HEX.formatHex(all.digest()));
    }

    /** The content bytes: UTF-8 of the manifest, or the data (without copying either). */
    private static ByteString content(Resource resource) {
        return switch (resource.getContentCase()) {
            case MANIFEST -> resource.getManifestBytes();
            case DATA -> resource.getData();
            case CONTENT_NOT_SET -> ByteString.EMPTY;
        };
    }

    private static void field(MessageDigest digest, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(utf8.length).array());
        digest.update(utf8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
