package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.topology.testing.FabricExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Joining the fleet with a bootstrap token, through the {@code cascade} commands, on real servers. */
class RegistrationIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    @Test
    void anOperatorMakesListsAndRevokesTokens() throws Exception {
        try (FleetHarness fleet = new FleetHarness(FABRIC, site -> io.cascade.edge.provider.Providers.fromSpec("sim:seed=1"))) {
            FleetHarness.Run made = fleet.cascade("token", "create", "--region", "eu", "--labels", "tier=store,country=de",
                    "--uses", "5", "--ttl", "2h");
            assertThat(made.exitCode()).as(made.err()).isZero();
            String token = made.out().trim();
            assertThat(token).matches("cbt1\\.[0-9a-f]{16}\\.[A-Za-z0-9_-]{43}");
            String id = token.split("\\.")[1];
            assertThat(made.err()).contains("token " + id + ": region eu, labels country=de,region=eu,tier=store, 5 use(s)",
                    "cascade token revoke " + id);

            FleetHarness.Run list = fleet.cascade("token", "list");
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out()).contains("ID", "STATE").containsPattern(id + " +active +eu +country=de,region=eu,tier=store +0/5");
            assertThat(list.out()).doesNotContain(token.split("\\.")[2]);

            FleetHarness.Run revoked = fleet.cascade("token", "revoke", id);
            assertThat(revoked.exitCode()).as(revoked.err()).isZero();
            assertThat(revoked.out()).contains("token " + id + " revoked");
            assertThat(fleet.cascade("token", "list").out()).containsPattern(id + " +revoked");

            FleetHarness.Run bad = fleet.cascade("token", "create", "--region", "asia");
            assertThat(bad.exitCode()).isNotZero();
            assertThat(bad.err()).contains("unknown region \"asia\"");
        }
    }
}
