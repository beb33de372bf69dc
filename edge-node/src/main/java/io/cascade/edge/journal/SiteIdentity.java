package io.cascade.edge.journal;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Who the site is, as last saved: its region and labels. Lets an edge that restarts while its
 * relay is unreachable keep evaluating selectors with the labels it had.
 *
 * @param region the site's region id
 * @param labels the site's labels (sorted by key)
 */
public record SiteIdentity(String region, Map<String, String> labels) {

    private static final byte FORMAT = 1;

    public SiteIdentity {
        Objects.requireNonNull(region, "region");
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    byte[] encode() {
        int size = 1 + RecordFormat.size(region) + Integer.BYTES;
        for (Map.Entry<String, String> label : labels.entrySet()) {
            size += RecordFormat.size(label.getKey()) + RecordFormat.size(label.getValue());
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(FORMAT);
        RecordFormat.putString(out, region);
        out.putInt(labels.size());
        labels.forEach((key, value) -> {
            RecordFormat.putString(out, key);
            RecordFormat.putString(out, value);
        });
        return out.array();
    }

    static SiteIdentity decode(byte[] bytes) {
        ByteBuffer in = RecordFormat.open(bytes, FORMAT, "identity");
        String region = RecordFormat.getString(in);
        int count = in.getInt();
        Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            labels.put(RecordFormat.getString(in), RecordFormat.getString(in));
        }
        return new SiteIdentity(region, labels);
    }
}
