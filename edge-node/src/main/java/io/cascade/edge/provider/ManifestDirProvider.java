package io.cascade.edge.provider;

import io.cascade.proto.AppState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Applies apps as files in a directory such as k3s's auto-deploy folder
 * ({@code /var/lib/rancher/k3s/server/manifests}, which k3s reads recursively).
 *
 * <p>Layout: each app owns the folder {@code <dir>/<app>/} (see {@link ManifestFiles} for the
 * names inside; anything else found there is deleted by the next apply), and its state is the
 * sidecar {@code <dir>/.cascade/<app>.hash} ({@link AppliedFiles}). Every file, sidecar included,
 * is written to a hidden temporary file {@code .cascade-<name>.<random>.tmp} in the target's own
 * folder, fsynced, moved into place with {@code ATOMIC_MOVE}, and the folder fsynced: a reader
 * sees the old file or the new one, never part of one, and k3s skips the hidden temporary. The
 * sidecar is written last, so after a crash {@link #appliedHash} still names the previous
 * content until the new one is complete. Unchanged files are not rewritten.
 *
 * <p>Status: PENDING without a sidecar; DRIFTED when a recorded file was deleted or changed, or a
 * file was added, by someone else; else READY.
 */
final class ManifestDirProvider implements Provider {

    static final String STATE_DIR = ".cascade";
    private static final int MAX_LISTED = 5;

    private final Path dir;
    private final Map<String, Object> appLocks = new ConcurrentHashMap<>();

    ManifestDirProvider(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
    }

    Path dir() {
        return dir;
    }

    @Override
    public void apply(AppDesired desired) throws ProviderException {
        String app = AppNames.check(desired.app());
        Map<String, ManifestFiles.File> files = ManifestFiles.of(desired.resources());
        synchronized (lock(app)) {
            Path appDir = dir.resolve(app);
            try {
                Files.createDirectories(appDir);
                for (ManifestFiles.File file : files.values()) {
                    Path target = appDir.resolve(file.path());
                    if (!file.sha256().equals(shaOf(target).orElse(null))) {
                        Files.createDirectories(target.getParent());
                        writeAtomically(target, file.content());
                    }
                }
                prune(appDir, files.keySet());
                Map<String, String> shas = new TreeMap<>();
                files.values().forEach(f -> shas.put(f.path(), f.sha256()));
                AppliedFiles record = new AppliedFiles(desired.contentHash(), desired.intentRevision(), desired.version(), shas);
                Files.createDirectories(dir.resolve(STATE_DIR));
                writeAtomically(sidecar(app), record.format().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ProviderException("apply " + app + " into " + appDir + ": " + e, true, e);
            }
        }
    }

    @Override
    public void remove(String app) throws ProviderException {
        AppNames.check(app);
        synchronized (lock(app)) {
            Path appDir = dir.resolve(app);
            try {
                // the sidecar goes first: after a crash half-way, appliedHash no longer claims the app
                if (Files.deleteIfExists(sidecar(app))) {
                    syncDirectory(sidecar(app).getParent());
                }
                if (Files.isDirectory(appDir)) {
                    prune(appDir, Set.of());
                    Files.deleteIfExists(appDir);
                    syncDirectory(dir);
                }
            } catch (IOException e) {
                throw new ProviderException("remove " + app + " from " + appDir + ": " + e, true, e);
            }
        }
    }

    @Override
    public AppHealth status(String app) throws ProviderException {
        AppNames.check(app);
        synchronized (lock(app)) {
            Path appDir = dir.resolve(app);
            try {
                Optional<String> text = read(sidecar(app));
                if (text.isEmpty()) {
                    return AppHealth.absent();
                }
                Optional<AppliedFiles> record = AppliedFiles.parse(text.get());
                if (record.isEmpty()) {
                    return new AppHealth(AppState.DRIFTED, sidecar(app) + " is not cascade's; the next apply rewrites it");
                }
                List<String> changes = new ArrayList<>();
                for (Map.Entry<String, String> file : record.get().files().entrySet()) {
                    Optional<String> sha = shaOf(appDir.resolve(file.getKey()));
                    if (sha.isEmpty()) {
                        changes.add(file.getKey() + " was deleted");
                    } else if (!sha.get().equals(file.getValue())) {
                        changes.add(file.getKey() + " was changed");
                    }
                }
                for (String extra : relativeFiles(appDir)) {
                    if (!record.get().files().containsKey(extra) && !ManifestFiles.isTemp(Path.of(extra).getFileName().toString())) {
                        changes.add(extra + " was added");
                    }
                }
                if (changes.isEmpty()) {
                    return AppHealth.ready();
                }
                String listed = String.join("; ", changes.subList(0, Math.min(MAX_LISTED, changes.size())));
                String more = changes.size() > MAX_LISTED ? " (and " + (changes.size() - MAX_LISTED) + " more)" : "";
                return new AppHealth(AppState.DRIFTED, "in " + appDir + ": " + listed + more);
            } catch (IOException e) {
                throw new ProviderException("status of " + app + " in " + appDir + ": " + e, true, e);
            }
        }
    }

    @Override
    public Optional<String> appliedHash(String app) throws ProviderException {
        AppNames.check(app);
        try {
            return read(sidecar(app)).flatMap(AppliedFiles::parse).map(AppliedFiles::contentHash);
        } catch (IOException e) {
            throw new ProviderException("read " + sidecar(app) + ": " + e, true, e);
        }
    }

    /** Files have no logs. */
    @Override
    public List<String> logs(String app, int tail) {
        return List.of();
    }

    private Object lock(String app) {
        return appLocks.computeIfAbsent(app, a -> new Object());
    }

    private Path sidecar(String app) {
        return dir.resolve(STATE_DIR).resolve(app + ".hash");
    }

    /** Deletes every file under {@code appDir} not in {@code keep} (relative paths), then empty folders. */
    private static void prune(Path appDir, Set<String> keep) throws IOException {
        boolean deleted = false;
        for (String file : relativeFiles(appDir)) {
            if (!keep.contains(file)) {
                deleted |= Files.deleteIfExists(appDir.resolve(file));
            }
        }
        List<Path> folders;
        try (Stream<Path> all = Files.walk(appDir)) {
            folders = all.filter(p -> !p.equals(appDir) && Files.isDirectory(p))
                    .sorted(Comparator.reverseOrder()).toList();
        }
        for (Path folder : folders) {
            try (Stream<Path> entries = Files.list(folder)) {
                if (entries.findAny().isEmpty()) {
                    deleted |= Files.deleteIfExists(folder);
                }
            }
        }
        if (deleted) {
            syncDirectory(appDir);
        }
    }

    /** Relative paths ('/'-separated) of the regular files under {@code appDir}; empty when it is absent. */
    private static List<String> relativeFiles(Path appDir) throws IOException {
        if (!Files.isDirectory(appDir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(appDir)) {
            return all.filter(Files::isRegularFile)
                    .map(p -> appDir.relativize(p).toString().replace(java.io.File.separatorChar, '/'))
                    .sorted().toList();
        }
    }

    private static Optional<String> shaOf(Path file) throws IOException {
        try {
            return Files.isRegularFile(file) ? Optional.of(ManifestFiles.sha256(Files.readAllBytes(file))) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> read(Path file) throws IOException {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Temp file in the target's folder, fsync, ATOMIC_MOVE over the target, fsync the folder. */
    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path folder = target.getParent();
        Path temp = folder.resolve(ManifestFiles.TEMP_PREFIX + target.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ManifestFiles.TEMP_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(temp);
            throw new IOException("the file system of " + folder + " cannot replace files atomically", e);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncDirectory(folder);
    }

    /** Makes a rename or delete in {@code folder} durable (Linux: fsync on the directory). */
    private static void syncDirectory(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public String toString() {
        return "dir:" + dir;
    }
}
