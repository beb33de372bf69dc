package io.cascade.edge.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProvidersTest {

    @Test
    void simWithoutOptionsIsInstantAndNeverFails() {
        Providers.Spec spec = Providers.parse("sim");

        assertThat(spec).isInstanceOfSatisfying(Providers.Spec.Sim.class, sim -> {
            assertThat(sim.settings().latency()).isZero();
            assertThat(sim.settings().failureRate()).isZero();
            assertThat(sim.settings().failApps()).isEmpty();
        });
    }

    @Test
    void simOptionsAreRead() {
        Providers.Spec spec = Providers.parse("sim:latency=50ms,failure=0.2,seed=1,failApps=a|b");

        assertThat(spec).isEqualTo(new Providers.Spec.Sim(
                new SimulatedProvider.Settings(Duration.ofMillis(50), 0.2, 1, Set.of("a", "b"))));
    }

    @ParameterizedTest
    @CsvSource({"0, PT0S", "50ms, PT0.05S", "2s, PT2S", "1m, PT1M", "1h, PT1H", "PT0.5S, PT0.5S"})
    void latencyTakesShortAndIsoDurations(String text, String iso) {
        Providers.Spec spec = Providers.parse("sim:latency=" + text);

        assertThat(((Providers.Spec.Sim) spec).settings().latency()).isEqualTo(Duration.parse(iso));
    }

    @Test
    void dirTakesTheRestAsAPath() {
        assertThat(Providers.parse("dir:/var/lib/rancher/k3s/server/manifests"))
                .isEqualTo(new Providers.Spec.Dir(Path.of("/var/lib/rancher/k3s/server/manifests")));
    }

    @Test
    void k8sTakesAnOptionalContext() {
        assertThat(Providers.parse("k8s")).isEqualTo(new Providers.Spec.K8s(Optional.empty()));
        assertThat(Providers.parse("k8s:context=edge-7")).isEqualTo(new Providers.Spec.K8s(Optional.of("edge-7")));
    }

    @Test
    void fromSpecBuildsACountingSimulatedProvider() throws Exception {
        try (Provider provider = Providers.fromSpec("sim:seed=3")) {
            provider.apply(TestBundles.desired("shop", 1, "h1"));

            assertThat(provider).isInstanceOf(CountingProvider.class);
            assertThat(((CountingProvider) provider).applyCount("shop")).isEqualTo(1);
        }
    }

    @Test
    void fromSpecBuildsADirectoryProvider(@TempDir Path dir) throws Exception {
        try (Provider provider = Providers.fromSpec("dir:" + dir)) {
            provider.apply(TestBundles.desired("shop", 1, "h1", TestBundles.file("a.txt", "x")));

            assertThat(dir.resolve("shop/a.txt")).hasContent("x");
        }
    }

    @Test
    void slowWrapsAnotherProviderAndAcknowledgesLate(@TempDir Path dir) throws Exception {
        try (Provider provider = Providers.fromSpec("slow:200ms:dir:" + dir)) {
            long t0 = System.nanoTime();
            provider.apply(TestBundles.desired("shop", 1, "h1", TestBundles.file("a.txt", "x")));

            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(200_000_000L);
            assertThat(dir.resolve("shop/a.txt")).hasContent("x");
            assertThat(provider.appliedHash("shop")).contains("h1");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", quoteCharacter = '\'', value = {
        "''                           => it is empty",
        "nomad                        => unknown provider \"nomad\"; expected sim, dir:<path>, k8s or slow:<duration>:<spec>",
        "sim:                         => nothing after ':'",
        "sim:speed=1                  => unknown option \"speed\"; known: failApps, failure, latency, seed",
        "sim:latency                  => expected key=value, got \"latency\"",
        "sim:latency=fast             => latency must be a duration such as 50ms, 2s, 1m or PT0.5S, got \"fast\"",
        "sim:latency=-PT1S            => latency must not be negative, got PT-1S",
        "sim:failure=1.5              => failure rate must be between 0 and 1, got 1.5",
        "sim:failure=often            => failure must be a number between 0 and 1, got \"often\"",
        "sim:seed=x                   => seed must be a whole number, got \"x\"",
        "sim:seed=1,seed=2            => option \"seed\" given twice",
        "sim:failApps=a||b            => failApps must be app names (DNS labels) separated by |, got \"\"",
        "dir:                         => dir needs a path",
        "k8s:context=                 => context must not be empty",
        "k8s:namespace=x              => unknown option \"namespace\"; known: context",
        "slow:2s                      => expected slow:<duration>:<provider spec>",
        "slow:soon:sim                => latency must be a duration such as 50ms, 2s, 1m or PT0.5S, got \"soon\"",
        "slow:1s:nomad                => unknown provider \"nomad\"",
    })
    void badSpecsAreRejectedWithTheReason(String spec, String reason) {
        assertThatThrownBy(() -> Providers.fromSpec(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad provider spec \"" + spec + "\": ")
                .hasMessageContaining(reason)
                .hasMessageEndingWith("(expected one of: sim[:options], dir:<path>, k8s[:context=<name>], slow:<duration>:<spec>)");
    }
}
