package io.cascade.edge.provider;

import static io.cascade.edge.provider.TestBundles.configMap;
import static io.cascade.edge.provider.TestBundles.desired;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.proto.AppState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SimulatedProviderTest {

    private static SimulatedProvider.Settings settings(Duration latency, double failure, long seed, String... failApps) {
        return new SimulatedProvider.Settings(latency, failure, seed, Set.of(failApps));
    }

    @Test
    void anApplyIsReadyWithItsHashAndVersionInMemory() throws Exception {
        SimulatedProvider provider = new SimulatedProvider(SimulatedProvider.Settings.instant(1));
        assertThat(provider.status("shop")).isEqualTo(AppHealth.absent());

        provider.apply(desired("shop", 3, "h3", configMap(null, "settings", "k", "v")));

        assertThat(provider.status("shop")).isEqualTo(AppHealth.ready());
        assertThat(provider.appliedHash("shop")).contains("h3");
        assertThat(provider.liveVersion("shop")).contains("1.3");
        assertThat(provider.logs("shop", 10)).containsExactly("applied revision 3 version 1.3 content h3 (1 resources)");
        assertThat(provider.appliedHash("other")).isEmpty();
    }

    @Test
    void removeForgetsTheApp() throws Exception {
        SimulatedProvider provider = new SimulatedProvider(SimulatedProvider.Settings.instant(1));
        provider.apply(desired("shop", 1, "h1"));

        provider.remove("shop");
        provider.remove("shop");

        assertThat(provider.status("shop")).isEqualTo(AppHealth.absent());
        assertThat(provider.appliedHash("shop")).isEmpty();
    }

    @Test
    void everyApplyAndRemoveSpendsTheConfiguredLatency() throws Exception {
        List<Duration> slept = new CopyOnWriteArrayList<>();
        SimulatedProvider provider = new SimulatedProvider(settings(Duration.ofMillis(50), 0, 1), slept::add);

        provider.apply(desired("shop", 1, "h1"));
        provider.apply(desired("shop", 2, "h2"));
        provider.remove("shop");
        provider.status("shop");

        assertThat(slept).containsExactly(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(50));
    }

    @Test
    void anApplyTakesAtLeastTheLatency() throws Exception {
        SimulatedProvider provider = new SimulatedProvider(settings(Duration.ofMillis(40), 0, 1));

        long start = System.nanoTime();
        provider.apply(desired("shop", 1, "h1"));
        long elapsed = System.nanoTime() - start;

        assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(Duration.ofMillis(40));
    }

    @Test
    void anInterruptDuringTheLatencyFailsRetryablyAndKeepsTheInterrupt() {
        SimulatedProvider provider = new SimulatedProvider(settings(Duration.ofSeconds(30), 0, 1), d -> {
            throw new InterruptedException();
        });

        assertThatThrownBy(() -> provider.apply(desired("shop", 1, "h1")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessage("interrupted during simulated apply shop");
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void theFailuresOfASeedAreTheDocumentedDraws() {
        long seed = 1;
        double rate = 0.2;
        Random draws = new Random(seed);
        List<Integer> expected = new ArrayList<>();
        for (int call = 0; call < 100; call++) {
            if (draws.nextDouble() < rate) {
                expected.add(call);
            }
        }

        List<Integer> failed = failingCalls(new SimulatedProvider(settings(Duration.ZERO, rate, seed)), 100);

        assertThat(failed).isEqualTo(expected);
        assertThat(failed).hasSizeBetween(10, 30);
        assertThat(failingCalls(new SimulatedProvider(settings(Duration.ZERO, rate, seed)), 100)).isEqualTo(failed);
        assertThat(failingCalls(new SimulatedProvider(settings(Duration.ZERO, rate, seed + 1)), 100)).isNotEqualTo(failed);
    }

    @Test
    void ratesZeroAndOneNeverAndAlwaysFail() {
        assertThat(failingCalls(new SimulatedProvider(settings(Duration.ZERO, 0, 7)), 100)).isEmpty();
        assertThat(failingCalls(new SimulatedProvider(settings(Duration.ZERO, 1, 7)), 100)).hasSize(100);
    }

    private static List<Integer> failingCalls(SimulatedProvider provider, int calls) {
        List<Integer> failed = new ArrayList<>();
        for (int call = 0; call < calls; call++) {
            try {
                provider.apply(desired("shop", call, "h" + call));
            } catch (ProviderException e) {
                assertThat(e.retryable()).isTrue();
                failed.add(call);
            }
        }
        return failed;
    }

    @Test
    void anInjectedFailureIsFailedUntilTheNextApplySucceeds() throws Exception {
        SimulatedProvider provider = new SimulatedProvider(settings(Duration.ZERO, 1, 1));

        assertThatThrownBy(() -> provider.apply(desired("shop", 1, "h1")))
                .isInstanceOf(ProviderException.class)
                .hasMessage("simulated failure of app shop (failure rate 1.0)");

        assertThat(provider.status("shop")).isEqualTo(new AppHealth(AppState.FAILED, "simulated failure of app shop (failure rate 1.0)"));
        assertThat(provider.appliedHash("shop")).isEmpty();
    }

    @Test
    void failAppsAlwaysFailNotRetryablyAndKeepOtherAppsWorking() throws Exception {
        SimulatedProvider provider = new SimulatedProvider(settings(Duration.ZERO, 0, 1, "broken"));

        provider.apply(desired("shop", 1, "h1"));
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> provider.apply(desired("broken", 1, "h1")))
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessage("simulated failure: app broken is configured to fail (failApps)");
        }

        assertThat(provider.status("broken").state()).isEqualTo(AppState.FAILED);
        assertThat(provider.status("broken").message()).isEqualTo("simulated failure: app broken is configured to fail (failApps)");
        assertThat(provider.status("shop")).isEqualTo(AppHealth.ready());
        assertThat(provider.applyCount("broken")).isEqualTo(3);
    }

    @Test
    void aFailedApplyKeepsThePreviousLiveState() throws Exception {
        SimulatedProvider provider = new SimulatedProvider(settings(Duration.ZERO, 0, 1));
        provider.apply(desired("shop", 1, "h1"));
        SimulatedProvider failing = new SimulatedProvider(settings(Duration.ZERO, 1, 1));
        assertThatThrownBy(() -> failing.apply(desired("shop", 1, "h1"))).isInstanceOf(ProviderException.class);

        assertThat(provider.appliedHash("shop")).contains("h1");
        assertThat(failing.appliedHash("shop")).isEmpty();
    }

    @Test
    void applyCallsAreCountedPerAppAcrossThreads() throws Exception {
        SimulatedProvider provider = new SimulatedProvider(settings(Duration.ZERO, 0.5, 42));
        int apps = 8;
        int callsPerApp = 250;
        try (ExecutorService pool = Executors.newFixedThreadPool(apps)) {
            List<Future<?>> done = new ArrayList<>();
            for (int a = 0; a < apps; a++) {
                String app = "app-" + a;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < callsPerApp; i++) {
                        try {
                            provider.apply(desired(app, i, "h" + i));
                        } catch (ProviderException expected) {
                            // half of them, by the rate
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }

        for (int a = 0; a < apps; a++) {
            assertThat(provider.applyCount("app-" + a)).isEqualTo(callsPerApp);
        }
        assertThat(provider.applyCount("never")).isZero();
    }

    @Test
    void logsKeepTheTail() throws Exception {
        SimulatedProvider provider = new SimulatedProvider(SimulatedProvider.Settings.instant(1));
        for (int r = 1; r <= 5; r++) {
            provider.apply(desired("shop", r, "h" + r));
        }
        provider.remove("shop");

        assertThat(provider.logs("shop", 2)).containsExactly("applied revision 5 version 1.5 content h5 (0 resources)", "removed");
        assertThat(provider.logs("shop", 0)).isEmpty();
        assertThat(provider.logs("other", 5)).isEmpty();
    }
}
