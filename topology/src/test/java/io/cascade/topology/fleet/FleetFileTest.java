package io.cascade.topology.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FleetFileTest {

    static final String VALID = """
            name: shop
            hub:
              host: 10.0.0.1
              ports: {client: 4222, leaf: 7422}
            regions:
              - name: eu
                sites:
                  - {name: store-0001, labels: {tier: store, topology.kubernetes.io/zone: eu-west-1a}}
                generate: {count: 3, prefix: kiosk-, labels: {tier: kiosk}}
              - name: us
            sites:
              - {name: store-0100, region: us, labels: {tier: store}}
            """;

    @Test
    void readsHubRegionsSitesAndGeneratedSites() {
        Fleet fleet = FleetFile.parse(VALID, "valid.yaml");

        assertThat(fleet.name()).isEqualTo("shop");
        assertThat(fleet.hub()).isEqualTo(new HubSpec("10.0.0.1", new Ports(4222, 7422, 0, 0)));
        assertThat(fleet.regionNames()).containsExactly("eu", "us");
        assertThat(fleet.requireRegion("eu").sites()).extracting(SiteSpec::name)
                .containsExactly("store-0001", "kiosk-0001", "kiosk-0002", "kiosk-0003");
        assertThat(fleet.requireRegion("eu").sites().get(0).labels())
                .containsEntry("tier", "store").containsEntry("region", "eu")
                .containsEntry("topology.kubernetes.io/zone", "eu-west-1a");
        assertThat(fleet.requireRegion("us").sites()).containsExactly(
                new SiteSpec("store-0100", java.util.Map.of("tier", "store", "region", "us")));
        assertThat(fleet.sites().count()).isEqualTo(5);
    }

    @Test
    void resolvesOnlyThePortsLeftAtZero() {
        AtomicInteger next = new AtomicInteger(20000);
        Fleet resolved = FleetFile.parse(VALID, "valid.yaml").resolvePorts(next::incrementAndGet);

        assertThat(resolved.hub().ports()).isEqualTo(new Ports(4222, 7422, 20001, 20002));
        assertThat(resolved.regions()).allSatisfy(r -> assertThat(r.ports().resolved()).isTrue());
        assertThat(resolved.requireRegion("us").ports().client()).isEqualTo(20007);
    }

    @Test
    void bundledDemoFleetHasTwoRegionsAndAtLeastFourSites() {
        Fleet demo = Fleets.demo();
        assertThat(demo.regionNames()).containsExactly("eu", "us");
        assertThat(demo.sites().count()).isGreaterThanOrEqualTo(4);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown region in inventory | regions: [{name: eu}]\\nsites: [{name: s1, region: asia}]                         | sites[0].region: unknown region "asia"; the fleet has [eu]
            duplicate site              | regions: [{name: eu, sites: [{name: s1}]}, {name: us, sites: [{name: s1}]}]      | regions[1].sites[0].name: duplicate site "s1" (first at regions[0].sites[0].name)
            duplicate region            | regions: [{name: eu}, {name: eu}]                                                | regions[1].name: duplicate region "eu" (first at regions[0])
            bad label key               | regions: [{name: eu, sites: [{name: s1, labels: {"tier!": store}}]}]             | regions[0].sites[0].labels.tier!: label key
            bad label value             | regions: [{name: eu, sites: [{name: s1, labels: {tier: "a b"}}]}]                | regions[0].sites[0].labels.tier: label value
            contradicting region label  | regions: [{name: eu, sites: [{name: s1, labels: {region: us}}]}]                 | regions[0].sites[0].labels.region: label region=us contradicts the site's region "eu"
            port clash                  | hub: {ports: {client: 4222}}\\nregions: [{name: eu, ports: {client: 4222}}]      | regions[0].ports.client: port 4222 is already used by hub.ports.client
            port out of range           | regions: [{name: eu, ports: {monitor: 70000}}]                                   | regions[0].ports.monitor: expected a port number from 1 to 65535
            bad site name               | regions: [{name: eu, sites: [{name: Store_1}]}]                                  | regions[0].sites[0].name: "Store_1" is not a valid name
            name with a dot             | regions: [{name: eu.west}]                                                       | regions[0].name: "eu.west" is not a valid name
            missing site name           | regions: [{name: eu, sites: [{labels: {a: b}}]}]                                 | regions[0].sites[0].name: is required
            unknown field               | regions: [{name: eu, relays: 2}]                                                 | regions[0].relays: unknown field; expected one of
            no regions                  | name: x                                                                          | regions: expected a list with at least one region
            generate count              | regions: [{name: eu, generate: {count: 0}}]                                      | regions[0].generate.count: expected a whole number from 1 to 100000
            not yaml                    | 'regions: {eu: [}'                                                               | (file): not valid YAML
            """)
    void rejectsAFleetFileWithAMessageNamingTheField(String title, String yaml, String expected) {
        assertThatThrownBy(() -> FleetFile.parse(yaml.replace("\\n", "\n"), title + ".yaml"))
                .isInstanceOf(FleetFileException.class)
                .hasMessageStartingWith("fleet file " + title + ".yaml is invalid:")
                .satisfies(e -> assertThat(((FleetFileException) e).problems())
                        .anySatisfy(p -> assertThat(p).startsWith(expected)));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String yaml = """
                regions:
                  - name: EU
                    ports: {client: -1}
                    sites: [{name: s1, labels: {"bad key": x}}]
                """;
        assertThatThrownBy(() -> FleetFile.parse(yaml, "many.yaml"))
                .isInstanceOfSatisfying(FleetFileException.class, e -> assertThat(e.problems())
                        .hasSize(3)
                        .anySatisfy(p -> assertThat(p).startsWith("regions[0].name:"))
                        .anySatisfy(p -> assertThat(p).startsWith("regions[0].ports.client:"))
                        .anySatisfy(p -> assertThat(p).startsWith("regions[0].sites[0].labels.bad key:")));
    }
}
