package io.cascade.bench;

import io.cascade.topology.launch.NatsServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a result depends on besides the code: the machine, the JVM and the nats-server it ran on.
 *
 * @param cores           processors available to the JVM
 * @param cpuModel        first {@code model name} of /proc/cpuinfo, or "unknown"
 * @param memoryMb        the machine's total memory (/proc/meminfo), 0 when unknown
 * @param os              operating system name, version and architecture
 * @param jvm             JVM version
 * @param jvmVendor       JVM vendor
 * @param maxHeapMb       the JVM's maximum heap
 * @param openFilesLimit  this process's soft limit on open files (/proc/self/limits), or "unknown"
 * @param natsServer      the nats-server version the hub reports in /varz
 */
public record MachineFacts(int cores, String cpuModel, long memoryMb, String os, String jvm, String jvmVendor,
                           long maxHeapMb, String openFilesLimit, String natsServer) {

    /** Facts of this machine and JVM, and the version of the nats-server {@code hub}. */
    public static MachineFacts describe(NatsServerProcess hub) throws InterruptedException {
        return new MachineFacts(
                Runtime.getRuntime().availableProcessors(),
                field(Path.of("/proc/cpuinfo"), "model name", ":").orElse("unknown"),
                field(Path.of("/proc/meminfo"), "MemTotal", ":")
                        .map(v -> Long.parseLong(v.replace("kB", "").trim()) / 1024).orElse(0L),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                Runtime.version().toString(),
                System.getProperty("java.vendor"),
                Runtime.getRuntime().maxMemory() / (1024 * 1024),
                softOpenFilesLimit(),
                hub.monitor("/varz").path("version").asText("unknown"));
    }

    private static String softOpenFilesLimit() {
        // "Max open files            20000                20000                files"
        return lines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max open files"))
                .map(l -> l.substring("Max open files".length()).trim().split("\\s+")[0])
                .findFirst().orElse("unknown");
    }

    private static Optional<String> field(Path file, String name, String separator) {
        return lines(file).stream()
                .filter(l -> l.startsWith(name) && l.contains(separator))
                .map(l -> l.substring(l.indexOf(separator) + separator.length()).trim())
                .findFirst();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
