package io.cascade.bench.register;

import static io.cascade.bench.BenchReport.f;

import io.cascade.bench.BenchReport;
import io.cascade.bench.MachineFacts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The result of a registration run, written as {@code register-<sites>.json} and {@code .md}.
 *
 * @param scenario    always {@value #SCENARIO}
 * @param startedAt   when the run started (ISO-8601, UTC)
 * @param machine     machine, JVM and nats-server facts
 * @param sites       devices that registered
 * @param callers     devices registering at once
 * @param totalMs     from the first RegisterSite call until the hub's rollup counted every site online
 * @param allAckedMs  until the last device had its first status acknowledged by its relay
 * @param stages      per stage (register, store, connect, firstAck, device): p50, p99 and max over the devices, in ms
 * @param failed      devices that did not get through, and the first few errors
 * @param cpuMs       CPU each process used during the run: the hub and relay nats-servers, this JVM (hub and relay
 *                    services) and the devices' process
 * @param gcPauseMs   GC pauses in the bench JVM during the run
 * @param inSiteSet   sites in the hub's site set at the end
 * @param limit       which process the run's time went to, from {@code cpuMs}
 */
public record RegisterReport(String scenario, String startedAt, MachineFacts machine, int sites, int callers, double totalMs,
                             double allAckedMs, Map<String, Stage> stages, int failed, List<String> errors,
                             Map<String, Double> cpuMs, long gcPauseMs, int inSiteSet, Limit limit) implements BenchReport {

    static final String SCENARIO = "register";
    /** The aim of the issue: every site counted at the hub within this, on this 2-core machine. */
    static final double AIM_MS = 20_000;

    /** One stage across the devices. */
    public record Stage(double p50Ms, double p99Ms, double maxMs) {
        static Stage of(List<RegisterBench.Device> ok, ToDoubleFunction<RegisterBench.Device> ms) {
            double[] v = ok.stream().mapToDouble(ms).toArray();
            return new Stage(BenchReport.round1(BenchReport.percentile(v, 50)), BenchReport.round1(BenchReport.percentile(v, 99)),
                    BenchReport.round1(BenchReport.percentile(v, 100)));
        }
    }

    /**
     * Where the time went: how busy the machine's cores were over the run, the devices' share of the CPU, and the
     * fleet side's own bound, its CPU (servers and services) spread over every core: the least time the run could
     * take on this machine if the devices, which a real fleet runs on their own hardware, took nothing.
     *
     * @param coresBusy   CPU of every process over (total time × cores), 0–1
     * @param devicesShare the devices' process's part of that CPU, 0–1
     * @param fleetCpuMs  CPU of the hub and relay servers and services
     * @param fleetBoundMs {@code fleetCpuMs / cores}
     */
    public record Limit(double coresBusy, double devicesShare, double fleetCpuMs, double fleetBoundMs) {
        static Limit of(Map<String, Double> cpuMs, double totalMs, int cores) {
            double all = cpuMs.values().stream().mapToDouble(Double::doubleValue).sum();
            double devices = cpuMs.getOrDefault(DEVICES, 0.0);
            double fleet = all - devices;
            return new Limit(round2(all / (totalMs * cores)), round2(all == 0 ? 0 : devices / all), BenchReport.round1(fleet),
                    BenchReport.round1(fleet / cores));
        }

        private static double round2(double v) {
            return Math.round(v * 100) / 100.0;
        }
    }

    /** The name of the devices' process in {@code cpuMs}. */
    static final String DEVICES = "devices-jvm";

    static RegisterReport of(String startedAt, MachineFacts machine, int sites, int callers, List<RegisterBench.Device> devices,
                             double allAckedMs, double totalMs, Map<String, Double> cpuMs, long gcPauseMs, int inSiteSet) {
        List<RegisterBench.Device> ok = devices.stream().filter(d -> d != null && d.error() == null).toList();
        List<String> errors = devices.stream().filter(d -> d == null || d.error() != null)
                .map(d -> d == null ? "a device never ran" : d.site() + ": " + d.error()).limit(10).toList();
        Map<String, Stage> stages = new LinkedHashMap<>();
        stages.put("register", Stage.of(ok, RegisterBench.Device::registerMs));
        stages.put("store", Stage.of(ok, RegisterBench.Device::storeMs));
        stages.put("connect", Stage.of(ok, RegisterBench.Device::connectMs));
        stages.put("firstAck", Stage.of(ok, RegisterBench.Device::firstAckMs));
        stages.put("device", Stage.of(ok, d -> d.registerMs() + d.storeMs() + d.connectMs() + d.firstAckMs()));
        return new RegisterReport(SCENARIO, startedAt, machine, sites, callers, BenchReport.round1(totalMs),
                BenchReport.round1(allAckedMs), stages, sites - ok.size(), errors, cpuMs, gcPauseMs, inSiteSet,
                Limit.of(cpuMs, totalMs, machine.cores()));
    }

    @Override
    public boolean complete() {
        return failed == 0 && inSiteSet >= sites;
    }

    @Override
    public String incompleteReason() {
        return failed + " device(s) did not get through: " + errors;
    }

    @Override
    public String fileStem() {
        return SCENARIO + "-" + sites;
    }

    @Override
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Registration, ").append(sites).append(" sites\n\n");
        b.append("Hub + 2 relays (nats-server ").append(machine.natsServer()).append(", operator mode, TLS), no site known ")
                .append("beforehand; one bootstrap token per region; ").append(callers).append(" devices at a time, each: its own ")
                .append("nkey, RegisterSite on its own TLS channel to the hub, identity stored (0600), an edge started (RocksDB ")
                .append("journal, TLS connection to its relay), first status acknowledged. ").append(machine.cores())
                .append(" cores (").append(machine.cpuModel()).append("), JVM ").append(machine.jvm()).append(", started ")
                .append(startedAt).append(".\n\n");
        b.append("**All ").append(sites).append(" counted online at the hub after ").append(f(totalMs / 1000))
                .append(" s** (aim ≤ ").append(f(AIM_MS / 1000)).append(" s: ").append(totalMs <= AIM_MS ? "met" : "**not met**")
                .append("); last first-ack at ").append(f(allAckedMs / 1000)).append(" s; ").append(failed)
                .append(" failed; ").append(inSiteSet).append(" in the hub's site set.\n\n");
        b.append("| stage, per device | p50 | p99 | max |\n|---|---:|---:|---:|\n");
        stages.forEach((name, s) -> b.append("| ").append(name).append(" | ").append(f(s.p50Ms())).append(" ms | ")
                .append(f(s.p99Ms())).append(" ms | ").append(f(s.maxMs())).append(" ms |\n"));
        b.append("\nCPU during the run: ");
        cpuMs.forEach((p, ms) -> b.append(p).append(' ').append(f(ms / 1000)).append(" s, "));
        b.append("GC pauses ").append(gcPauseMs).append(" ms (hub-and-relay-services JVM). The devices run in a process of ")
                .append("their own, started when the clock starts.\n\n");
        b.append("Where the time went: the ").append(machine.cores()).append(" cores were ").append(Math.round(limit.coresBusy() * 100))
                .append(" % busy over the run; the devices' process took ").append(Math.round(limit.devicesShare() * 100))
                .append(" % of that CPU. The fleet side (hub and relay servers and services) used ")
                .append(f(limit.fleetCpuMs() / 1000)).append(" s of CPU: on these ").append(machine.cores())
                .append(" cores alone, with the devices elsewhere as on a real fleet, no less than ")
                .append(f(limit.fleetBoundMs() / 1000)).append(" s.\n");
        if (!errors.isEmpty()) {
            b.append("\nFirst errors:\n");
            errors.forEach(e -> b.append("- ").append(e).append('\n'));
        }
        return b.toString();
    }
}
