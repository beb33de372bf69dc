package io.cascade.edge.provider;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What the manifest-directory provider last applied for one app: the sidecar
 * {@code <dir>/.cascade/<app>.hash}, written atomically after the app's files, so that
 * {@link Provider#appliedHash} survives a crash and drift can be told file by file. Text, one
 * {@code key: value} a line; {@code file: <sha256> <relative path>} for each file. Its name ends in
 * {@code .hash}, so k3s (which reads {@code .yaml}, {@code .yml} and {@code .json}) ignores it.
 *
 * @param contentHash    the applied {@link AppDesired#contentHash()}
 * @param intentRevision the applied intent revision
 * @param version        the applied bundle version
 * @param files          relative path (inside the app's folder) to sha256 of its content, sorted by path
 */
record AppliedFiles(String contentHash, long intentRevision, String version, Map<String, String> files) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    AppliedFiles {
        Objects.requireNonNull(contentHash, "contentHash");
        Objects.requireNonNull(version, "version");
        files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    }

    String format() {
        StringBuilder text = new StringBuilder("# written by cascade's manifest-directory provider after the app's files; do not edit\n");
        text.append("content-hash: ").append(oneLine(contentHash)).append('\n');
        text.append("intent-revision: ").append(intentRevision).append('\n');
        text.append("version: ").append(oneLine(version)).append('\n');
        files.forEach((path, sha) -> text.append("file: ").append(sha).append(' ').append(path).append('\n'));
        return text.toString();
    }

    /** Parses {@link #format()}'s text; empty when it is not such text (edited by hand, say). */
    static Optional<AppliedFiles> parse(String text) {
        String hash = null;
        String version = null;
        Long revision = null;
        Map<String, String> files = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(": ");
            if (colon < 0) {
                return Optional.empty();
            }
            String value = line.substring(colon + 2);
            switch (line.substring(0, colon)) {
                case "content-hash" -> hash = value;
                case "version" -> version = value;
                case "intent-revision" -> {
                    try {
                        revision = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                }
                case "file" -> {
                    int space = value.indexOf(' ');
                    if (space != 64 || !SHA256.matcher(value.substring(0, 64)).matches() || value.length() == 65) {
                        return Optional.empty();
                    }
                    files.put(value.substring(65), value.substring(0, 64));
                }
                default -> { return Optional.empty(); }
            }
        }
        if (hash == null || version == null || revision == null) {
            return Optional.empty();
        }
        return Optional.of(new AppliedFiles(hash, revision, version, files));
    }

    private static String oneLine(String value) {
        return value.replace('\n', ' ');
    }
}
