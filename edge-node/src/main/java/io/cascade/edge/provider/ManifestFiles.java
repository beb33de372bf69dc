package io.cascade.edge.provider;

import io.cascade.proto.Resource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The files one app's resources become in a manifest directory: relative path (inside the app's
 * folder) to content. The layout, unambiguous because kinds, namespaces and names never contain
 * {@code _}:
 *
 * <ul>
 *   <li>a Kubernetes object: {@code <kind>_<namespace>_<name>.yaml}, or {@code <kind>_<name>.yaml}
 *       when the resource sets no namespace (kind lower-cased; the manifest is written as-is, so
 *       an object without a namespace lands where the reader, e.g. k3s, puts it: {@code default});
 *   <li>kind {@code File}: its name, a relative path ({@code conf/app.ini}).
 * </ul>
 *
 * Text ({@code manifest}) is written as UTF-8, {@code data} byte for byte.
 */
final class ManifestFiles {

    /** Prefix of the temporary files of atomic writes; a File resource may not use it. */
    static final String TEMP_PREFIX = ".cascade-";
    static final String TEMP_SUFFIX = ".tmp";

    private static final Pattern KIND = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
    private static final Pattern OBJECT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    /** One file to write. */
    record File(String path, byte[] content, String sha256, String resource) {}

    private ManifestFiles() {}

    /** The files of {@code resources}, keyed by relative path; throws (not retryable) on a bad resource. */
    static Map<String, File> of(Iterable<Resource> resources) throws ProviderException {
        Map<String, File> files = new LinkedHashMap<>();
        for (Resource r : resources) {
            String label = r.getKind() + " " + (r.hasNamespace() ? r.getNamespace() + "/" : "") + r.getName();
            String path = path(r, label);
            byte[] content = switch (r.getContentCase()) {
                case MANIFEST -> r.getManifest().getBytes(StandardCharsets.UTF_8);
                case DATA -> r.getData().toByteArray();
                case CONTENT_NOT_SET -> throw new ProviderException("resource " + label + " has no content", false);
            };
            String sha = sha256(content);
            if (!r.getSha256().isEmpty() && !r.getSha256().equalsIgnoreCase(sha)) {
                throw new ProviderException("resource " + label + ": content sha256 " + sha
                        + " does not match the declared " + r.getSha256(), false);
            }
            File previous = files.put(path, new File(path, content, sha, label));
            if (previous != null) {
                throw new ProviderException("resources " + previous.resource() + " and " + label
                        + " would both be written to " + path, false);
            }
        }
        return files;
    }

    private static String path(Resource r, String label) throws ProviderException {
        if ("File".equals(r.getKind())) {
            return filePath(r.getName(), label);
        }
        if (!KIND.matcher(r.getKind()).matches()) {
            throw new ProviderException("resource " + label + ": kind must be letters and digits", false);
        }
        if (!OBJECT_NAME.matcher(r.getName()).matches()) {
            throw new ProviderException("resource " + label + ": name must be a DNS subdomain name", false);
        }
        String kind = r.getKind().toLowerCase(Locale.ROOT);
        if (!r.hasNamespace()) {
            return kind + "_" + r.getName() + ".yaml";
        }
        if (!AppNames.isDnsLabel(r.getNamespace())) {
            throw new ProviderException("resource " + label + ": namespace must be a DNS label", false);
        }
        return kind + "_" + r.getNamespace() + "_" + r.getName() + ".yaml";
    }

    private static String filePath(String name, String label) throws ProviderException {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains("\n") || name.contains("\0")) {
            throw new ProviderException("resource " + label + ": a File's name must be a relative path", false);
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new ProviderException("resource " + label + ": a File's name may not have empty, '.' or '..' segments", false);
            }
            if (segment.startsWith(TEMP_PREFIX)) {
                throw new ProviderException("resource " + label + ": names starting with " + TEMP_PREFIX + " are reserved", false);
            }
        }
        return name;
    }

    static boolean isTemp(String fileName) {
        return fileName.startsWith(TEMP_PREFIX) && fileName.endsWith(TEMP_SUFFIX);
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
