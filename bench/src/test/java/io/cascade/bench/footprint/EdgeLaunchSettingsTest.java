package io.cascade.bench.footprint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cascade.topology.k8s.EdgeManifests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The edge starts with the settings its committed footprint was measured with: {@code bench/results/footprint.json}
 * records them, {@value JvmOptionsFile#PATH} and {@code ./cascade edge} are what a device runs, and a site's rendered
 * edge (EdgeManifests) starts the same way. Changing one without measuring again (and committing the result) fails here.
 */
class EdgeLaunchSettingsTest {

    private static final Path HOME = JvmOptionsFile.home();

    @Test
    void theCommittedFootprintWasMeasuredWithTheEdgesJvmOptionsAndArchive() throws Exception {
        JsonNode report = new ObjectMapper().readTree(Files.readString(HOME.resolve("bench/results/footprint.json")));
        List<String> measured = new ArrayList<>();
        report.path("edgeJvmOptions").forEach(o -> measured.add(o.asText()));

        List<String> expected = new ArrayList<>(JvmOptionsFile.read(HOME.resolve(JvmOptionsFile.PATH)));
        expected.addAll(JvmOptionsFile.launchOptions(Path.of("/HOME")));
        // the archive's and the native libraries' paths are absolute: the checkout the bench ran in
        assertThat(measured).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            int home = expected.get(i).indexOf("=/HOME/");
            if (home >= 0) {
                assertThat(measured.get(i)).as("option %d", i).startsWith(expected.get(i).substring(0, home + 1))
                        .endsWith(expected.get(i).substring(home + "=/HOME".length()));
            } else {
                assertThat(measured.get(i)).as("option %d", i).isEqualTo(expected.get(i));
            }
        }
        for (JsonNode run : report.path("runs")) {
            if (run.path("settings").asText().equals(FootprintReport.EDGE_SETTINGS)) {
                assertThat(run.path("jvmOptions")).isEqualTo(report.path("edgeJvmOptions"));
                // measured with the archive its provider's first start made, as a device's
                assertThat(run.path("firstStart").path("archiveBytes").asLong()).as(run.path("provider").asText()).isPositive();
            }
        }
        assertThat(report.path("runs")).extracting(r -> r.path("provider").asText() + " " + r.path("settings").asText())
                .contains("sim edge", "dir edge", "k8s edge");
    }

    @Test
    void cascadeEdgeStartsOneSiteWithThoseOptionsAndTheArchive() throws Exception {
        String script = Files.readString(HOME.resolve("cascade"));
        // as the bench ran it, with the checkout's root quoted: -XX:SharedArchiveFile="$ROOT/edge-node/target/cascade-edge.jsa"
        List<String> launch = JvmOptionsFile.launchOptions(Path.of("/ROOT")).stream()
                .map(o -> o.contains("=/ROOT/") ? o.replace("=/ROOT/", "=\"$ROOT/") + "\"" : o).toList();
        assertThat(script).contains("exec \"$JAVA_BIN\" @\"$ROOT/" + JvmOptionsFile.PATH + "\" " + String.join(" ", launch));
        assertThat(script).contains("-jar \"$EDGE_JAR\"").contains("EDGE_JAR=\"$ROOT/" + JvmOptionsFile.JAR + "\"");
    }

    @Test
    void theRenderedEdgeOfASiteStartsWithThoseOptionsItsArchiveOnItsJournalsVolume() {
        // cascade topology render writes edges/<site>.yaml: the image holds a built checkout at EdgeManifests.HOME
        Path home = Path.of(EdgeManifests.HOME);
        List<String> expected = new ArrayList<>(List.of("java", "@" + home.resolve(JvmOptionsFile.PATH)));
        for (String option : JvmOptionsFile.launchOptions(home)) {
            // the archive the first start writes outlives the pod on the journal's volume
            expected.add(option.startsWith("-XX:SharedArchiveFile=") ? "-XX:SharedArchiveFile=/data/cascade-edge.jsa" : option);
        }
        expected.addAll(List.of("-jar", home.resolve(JvmOptionsFile.JAR).toString()));
        assertThat(EdgeManifests.command()).isEqualTo(expected);
    }
}
