package io.cascade.bench.raw;

import io.cascade.bench.CpuTimes;
import io.cascade.bench.Jvm;
import io.cascade.bench.MachineFacts;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.launch.LocalFabric;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.launch.NatsServerProcess;
import io.nats.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raw fan-out scenario, the physical limit later scenarios are compared with: plain NATS
 * subscribers on the relays, messages published at the hub, no Cascade code in the path. Each round
 * runs both variants: one message on a subject every subscriber shares, and one message per
 * subscriber on its own subject.
 */
public final class RawFanout {

    private static final Logger LOG = LoggerFactory.getLogger(RawFanout.class);

    static final String SHARED = "shared-subject";
    static final String PER_SITE = "per-site-subjects";
    private static final int SHARED_PROBE = 0;
    private static final int SITE_PROBE = 1;
    private static final int FIRST_ROUND_ID = 2;
    private static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Duration PUBLISHER_FLUSH = Duration.ofSeconds(30);

    /** The raw run's subjects, which the bench fabric's leaf links carry down beside Cascade's. */
    public static final List<String> SUBJECTS = List.of("bench.raw.>");

    private final LocalFabric fabric;
    private final RawFanoutSettings settings;
    private final String[] siteSubjects;

    public RawFanout(LocalFabric fabric, RawFanoutSettings settings) {
        this.fabric = fabric;
        this.settings = settings;
        this.siteSubjects = new String[settings.edges()];
        for (int i = 0; i < siteSubjects.length; i++) {
            siteSubjects[i] = EdgeSubscribers.siteSubject(i);
        }
    }

    public RawFanoutReport run() throws InterruptedException, IOException, TimeoutException {
        String startedAt = Instant.now().toString();
        MachineFacts machine = MachineFacts.describe(fabric.hub());
        List<String> regions = fabric.fleet().regions().stream().map(RegionSpec::name).toList();
        List<String> relayUrls = regions.stream().map(r -> fabric.relay(r).clientUrl()).toList();
        int n = settings.edges();
        // the hub-side sender: room for a whole per-site round in its outgoing queue
        try (Connection publisher = NatsClients.connect(NatsClients.options("bench-publisher", fabric.hub().clientUrl(),
                        fabric.clientCredentials(new Identity.Tool("bench-publisher", SUBJECTS, List.of())))
                .bufferSize(64 * 1024).maxMessagesInOutgoingQueue(2 * n + 100).build())) {
            long heapBefore = Jvm.usedHeapAfterGc();
            CpuTimes cpuBefore = CpuTimes.of(fabric);
            long t0 = System.nanoTime();
            try (EdgeSubscribers subs = EdgeSubscribers.open(relayUrls, n, settings.messageIds(),
                    settings.connectParallelism(), settings.setupTimeout(),
                    fabric.clientCredentials(EdgeSubscribers.identity()))) {
                long connectNanos = System.nanoTime() - t0;
                Map<String, Double> connectCpu = CpuTimes.of(fabric).millisSince(cpuBefore);
                LOG.info("{} subscribers connected in {} ms", n, Jvm.ms(connectNanos));
                double heapPerConnectionKb = Math.round((Jvm.usedHeapAfterGc() - heapBefore) / 1024.0 / n * 10) / 10.0;
                long t1 = System.nanoTime();
                awaitInterest(publisher, subs);
                long interestNanos = System.nanoTime() - t1;
                LOG.info("the hub reaches every subscriber on both subjects after {} ms", Jvm.ms(interestNanos));

                List<Round> shared = new ArrayList<>();
                List<Round> perSite = new ArrayList<>();
                int id = FIRST_ROUND_ID;
                for (int r = 1 - settings.warmupRounds(); r <= settings.rounds(); r++) {
                    Round s = measure(publisher, subs, id++, r, true);
                    Round p = measure(publisher, subs, id++, r, false);
                    LOG.info("round {}{}: shared last {} ms (p99 {}), per-site last {} ms (p99 {}), missing {}/{}",
                            r, r < 1 ? " (warm-up)" : "", s.lastMs(), s.p99Ms(), p.lastMs(), p.p99Ms(),
                            s.missing(), p.missing());
                    if (r >= 1) {
                        shared.add(s);
                        perSite.add(p);
                    }
                }
                Map<String, Integer> perRelay = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    perRelay.merge(regions.get(i % regions.size()), 1, Integer::sum);
                }
                var runSettings = new RawFanoutReport.Settings(n, settings.rounds(), settings.warmupRounds(),
                        settings.connectParallelism(), perRelay, fabric.protection());
                var setup = new RawFanoutReport.Setup(Jvm.ms(connectNanos), connectCpu, Jvm.ms(interestNanos),
                        heapPerConnectionKb, subs.disconnects(), subs.slowConsumers(), serverSlowConsumers(regions));
                return new RawFanoutReport(RawFanoutReport.SCENARIO, startedAt, machine, runSettings, setup,
                        RawFanoutReport.Variant.of(SHARED, EdgeSubscribers.SHARED_SUBJECT, shared),
                        RawFanoutReport.Variant.of(PER_SITE, EdgeSubscribers.SITE_SUBJECTS, perSite));
            }
        }
    }

    /**
     * Publishes probes at the hub until every subscriber got one on the shared subject and one on its
     * own subject: only then has each relay's interest reached the hub over the leaf link. Probes are
     * resent only to those still missing and only once deliveries stop coming in, so a slow fan-out
     * is never buried under its own resends.
     */
    private void awaitInterest(Connection publisher, EdgeSubscribers subs) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + settings.setupTimeout().toNanos();
        Delivery shared = subs.delivery(SHARED_PROBE);
        Delivery site = subs.delivery(SITE_PROBE);
        byte[] sharedProbe = EdgeSubscribers.payload(SHARED_PROBE);
        byte[] siteProbe = EdgeSubscribers.payload(SITE_PROBE);
        probe(publisher, shared, () -> publisher.publish(EdgeSubscribers.SHARED_SUBJECT, sharedProbe), deadline);
        probe(publisher, site, () -> {
            for (int i = 0; i < siteSubjects.length; i++) {
                if (!site.received(i)) {
                    publisher.publish(siteSubjects[i], siteProbe);
                }
            }
        }, deadline);
        if (shared.delivered() < subs.count() || site.delivered() < subs.count()) {
            throw new IllegalStateException("within " + settings.setupTimeout() + " the hub reached " + shared.delivered()
                    + " of " + subs.count() + " subscribers on " + EdgeSubscribers.SHARED_SUBJECT + " and "
                    + site.delivered() + " on their own subjects");
        }
    }

    /** Runs {@code sendMissing} until {@code d} reached every subscriber or the deadline passed. */
    private static void probe(Connection publisher, Delivery d, Runnable sendMissing, long deadline)
            throws InterruptedException, TimeoutException {
        while (System.nanoTime() < deadline) {
            sendMissing.run();
            publisher.flush(PUBLISHER_FLUSH);
            int seen;
            do {
                seen = d.delivered();
                if (d.await(PROBE_INTERVAL_NANOS)) {
                    return;
                }
            } while (d.delivered() > seen && System.nanoTime() < deadline);
        }
    }

    /** One round of one variant: publish at the hub, wait for every subscriber (or the round timeout). */
    private Round measure(Connection publisher, EdgeSubscribers subs, int id, int round, boolean shared)
            throws InterruptedException, IOException {
        Delivery d = subs.delivery(id);
        byte[] payload = EdgeSubscribers.payload(id);
        CpuTimes before = CpuTimes.of(fabric);
        long gcBefore = Jvm.gcPauseMillis();
        long sentAt = System.nanoTime();
        if (shared) {
            publisher.publish(EdgeSubscribers.SHARED_SUBJECT, payload);
        } else {
            for (String subject : siteSubjects) {
                publisher.publish(subject, payload);
            }
        }
        publisher.flushBuffer();
        long publishedAt = System.nanoTime();
        d.await(settings.roundTimeout().toNanos());
        CpuTimes after = CpuTimes.of(fabric);
        return Round.of(round, shared ? 1 : siteSubjects.length, d, subs.count(), sentAt, publishedAt,
                after.millisSince(before), Jvm.gcPauseMillis() - gcBefore);
    }

    private Map<String, Long> serverSlowConsumers(List<String> regions) throws InterruptedException {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("hub", slowConsumers(fabric.hub()));
        for (String r : regions) {
            out.put("relay-" + r, slowConsumers(fabric.relay(r)));
        }
        return out;
    }

    private static long slowConsumers(NatsServerProcess server) throws InterruptedException {
        return server.monitor("/varz").path("slow_consumers").asLong();
    }
}
