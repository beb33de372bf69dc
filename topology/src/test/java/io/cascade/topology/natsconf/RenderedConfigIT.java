package io.cascade.topology.natsconf;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.launch.FreePorts;
import io.cascade.topology.launch.NatsServerBinary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import io.cascade.topology.testing.TestTrust;
import io.cascade.topology.trust.Identity;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every rendered config passes the real nats-server's own config check ({@code nats-server -t}). */
class RenderedConfigIT {

    @TempDir
    Path dir;

    @Test
    void hubAndRelayConfigsAreAcceptedByNatsServer() throws Exception {
        Fleet fleet = Fleets.demo().resolvePorts(FreePorts::next);
        List<NatsServerConfig> configs = new ArrayList<>();
        Path leafCreds = TestTrust.shared().issue(new Identity.RelayLeaf("eu")).write(dir.resolve("leaf.creds"));
        Path sysLeafCreds = TestTrust.shared().issue(new Identity.RelaySystemLeaf("eu")).write(dir.resolve("sysleaf.creds"));
        var hub = fleet.hub().ports();
        configs.add(FabricConfigs.hub(fleet, hub, "127.0.0.1", dir.resolve("hub").toString(), "hub.example:7422",
                TestTrust.auth(dir.resolve("hub-jwt").toString()), TestTrust.leafTls(dir, "hub", List.of("127.0.0.1"))));
        for (RegionSpec r : fleet.regions()) {
            configs.add(FabricConfigs.relay(fleet, r, r.ports(), "0.0.0.0", dir.resolve(r.name()).toString(),
                    List.of(FabricConfigs.leafUrl("127.0.0.1", hub.leaf())), TestTrust.auth(dir.resolve(r.name() + "-jwt").toString()),
                    leafCreds.toString(), sysLeafCreds.toString(), TestTrust.leafTls(dir, r.name(), List.of("127.0.0.1"))));
        }
        for (NatsServerConfig c : configs) {
            Check check = check(c.render(), c.serverName());
            assertThat(check.exitCode).as(c.serverName() + ": " + check.output).isZero();
            assertThat(check.output).contains("is valid");
        }
    }

    @Test
    void theCheckItselfRejectsABrokenConfig() throws Exception {
        String broken = FabricConfigs.hub(Fleets.demo().resolvePorts(FreePorts::next),
                        Fleets.demo().resolvePorts(FreePorts::next).hub().ports(), "127.0.0.1", "/tmp/x", "h:1",
                        TestTrust.auth("/tmp/x-jwt"), TestTrust.RENDER_TLS)
                .render().replace("store_dir", "store_dirx");
        Check check = check(broken, "broken");
        assertThat(check.exitCode).isNotZero();
        assertThat(check.output).contains("unknown field \"store_dirx\"");
    }

    record Check(int exitCode, String output) {}

    private Check check(String config, String name) throws IOException, InterruptedException {
        Path file = dir.resolve(name + ".conf");
        Files.writeString(file, config);
        Process p = new ProcessBuilder(NatsServerBinary.locate().toString(), "-t", "-c", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Check(p.waitFor(), out);
    }
}
