package io.cascade.edge.provider;

import static io.cascade.edge.provider.TestBundles.binary;
import static io.cascade.edge.provider.TestBundles.configMap;
import static io.cascade.edge.provider.TestBundles.deployment;
import static io.cascade.edge.provider.TestBundles.desired;
import static io.cascade.edge.provider.TestBundles.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.proto.AppState;
import io.cascade.proto.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestDirProviderTest {

    @TempDir
    Path dir;

    private static final Resource SETTINGS = configMap("shop", "settings", "color", "blue");
    private static final Resource WEB = deployment(null, "web", "nginx:1.27", 2);
    private static final Resource INI = file("conf/app.ini", "[app]\nport=8080\n");
    private static final byte[] LOGO_BYTES = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};
    private static final Resource LOGO = binary("static/logo.png", LOGO_BYTES);

    @Test
    void eachResourceIsAFileInTheAppsFolder() throws Exception {
        ManifestDirProvider provider = new ManifestDirProvider(dir);

        provider.apply(desired("shop", 1, "h1", SETTINGS, WEB, INI, LOGO));

        assertThat(filesUnder(dir.resolve("shop"))).containsExactly(
                "conf/app.ini", "configmap_shop_settings.yaml", "deployment_web.yaml", "static/logo.png");
        assertThat(dir.resolve("shop/configmap_shop_settings.yaml")).hasContent(SETTINGS.getManifest());
        assertThat(dir.resolve("shop/deployment_web.yaml")).hasContent(WEB.getManifest());
        assertThat(dir.resolve("shop/conf/app.ini")).hasContent("[app]\nport=8080\n");
        assertThat(dir.resolve("shop/static/logo.png")).hasBinaryContent(LOGO_BYTES);
        assertThat(provider.status("shop")).isEqualTo(AppHealth.ready());
        assertThat(provider.appliedHash("shop")).contains("h1");
        assertThat(provider.logs("shop", 10)).isEmpty();
    }

    @Test
    void theSidecarRecordsHashRevisionAndEveryFilesSha256() throws Exception {
        new ManifestDirProvider(dir).apply(desired("shop", 4, "h4", SETTINGS, INI));

        assertThat(dir.resolve(".cascade/shop.hash")).content().isEqualTo("""
                # written by cascade's manifest-directory provider after the app's files; do not edit
                content-hash: h4
                intent-revision: 4
                version: 1.4
                file: %s conf/app.ini
                file: %s configmap_shop_settings.yaml
                """.formatted(INI.getSha256(), SETTINGS.getSha256()));
    }

    @Test
    void resourcesThatLeftTheBundleArePrunedWithTheirEmptyFolders() throws Exception {
        ManifestDirProvider provider = new ManifestDirProvider(dir);
        provider.apply(desired("shop", 1, "h1", SETTINGS, WEB, INI, LOGO));

        Resource settings2 = configMap("shop", "settings", "color", "red");
        provider.apply(desired("shop", 2, "h2", settings2, INI));

        assertThat(filesUnder(dir.resolve("shop"))).containsExactly("conf/app.ini", "configmap_shop_settings.yaml");
        assertThat(dir.resolve("shop/static")).doesNotExist();
        assertThat(dir.resolve("shop/configmap_shop_settings.yaml")).hasContent(settings2.getManifest());
        assertThat(provider.status("shop")).isEqualTo(AppHealth.ready());
        assertThat(provider.appliedHash("shop")).contains("h2");
    }

    @Test
    void noTemporaryFileIsLeftBehind() throws Exception {
        ManifestDirProvider provider = new ManifestDirProvider(dir);
        provider.apply(desired("shop", 1, "h1", SETTINGS, WEB, INI, LOGO));
        provider.apply(desired("shop", 2, "h2", configMap("shop", "settings", "color", "red"), INI));
        provider.apply(desired("cart", 1, "c1", WEB));
        provider.remove("cart");

        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void anUnchangedFileIsNotRewritten() throws Exception {
        ManifestDirProvider provider = new ManifestDirProvider(dir);
        provider.apply(desired("shop", 1, "h1", SETTINGS, WEB));
        Object settingsInode = Files.getAttribute(dir.resolve("shop/configmap_shop_settings.yaml"), "unix:ino");
        Object webInode = Files.getAttribute(dir.resolve("shop/deployment_web.yaml"), "unix:ino");

        provider.apply(desired("shop", 2, "h2", SETTINGS, deployment(null, "web", "nginx:1.28", 2)));

        assertThat(Files.getAttribute(dir.resolve("shop/configmap_shop_settings.yaml"), "unix:ino")).isEqualTo(settingsInode);
        assertThat(Files.getAttribute(dir.resolve("shop/deployment_web.yaml"), "unix:ino")).isNotEqualTo(webInode);
    }

    @Test
    void aReaderSeesTheOldOrTheNewFileNeverPartOfOne() throws Exception {
        ManifestDirProvider provider = new ManifestDirProvider(dir);
        String big = "x".repeat(512 * 1024);
        Resource a = file("big.txt", "a" + big + "a");
        Resource b = file("big.txt", "b" + big.replace('x', 'y') + "b");
        provider.apply(desired("shop", 0, "h0", a));
        Path target = dir.resolve("shop/big.txt");
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();

        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            while (writing.get() || reads.get() == 0) {
                try {
                    seen.add(Files.readString(target));
                    reads.incrementAndGet();
                } catch (IOException e) {
                    seen.add("unreadable: " + e);
                }
            }
        });
        for (int i = 1; i <= 100; i++) {
            provider.apply(desired("shop", i, "h" + i, i % 2 == 0 ? a : b));
        }
        writing.set(false);
        reader.join();

        assertThat(reads.get()).isPositive();
        assertThat(seen).isSubsetOf(Set.of(a.getManifest(), b.getManifest()));
    }

    @Test
    void removeDeletesTheAppsFilesAndStateOnly() throws Exception {
        ManifestDirProvider provider = new ManifestDirProvider(dir);
        provider.apply(desired("shop", 1, "h1", SETTINGS, INI));
        provider.apply(desired("cart", 1, "c1", WEB));
        Files.writeString(dir.resolve("not-cascades.yaml"), "kind: ConfigMap\n");

        provider.remove("shop");
        provider.remove("shop");

        assertThat(dir.resolve("shop")).doesNotExist();
        assertThat(dir.resolve(".cascade/shop.hash")).doesNotExist();
        assertThat(provider.status("shop")).isEqualTo(AppHealth.absent());
        assertThat(provider.appliedHash("shop")).isEmpty();
        assertThat(filesUnder(dir.resolve("cart"))).containsExactly("deployment_web.yaml");
        assertThat(provider.status("cart")).isEqualTo(AppHealth.ready());
        assertThat(dir.resolve("not-cascades.yaml")).exists();
    }

    @Test
    void anAppNeverAppliedIsPending() throws Exception {
        assertThat(new ManifestDirProvider(dir).status("shop")).isEqualTo(AppHealth.absent());
        assertThat(new ManifestDirProvider(dir.resolve("missing")).appliedHash("shop")).isEmpty();
    }

    @Test
    void aFileChangedDeletedOrAddedBySomeoneElseIsDriftUntilTheNextApply() throws Exception {
        ManifestDirProvider provider = new ManifestDirProvider(dir);
        AppDesired desired = desired("shop", 1, "h1", SETTINGS, WEB, INI);
        provider.apply(desired);

        Files.writeString(dir.resolve("shop/configmap_shop_settings.yaml"), "edited by hand\n");
        Files.delete(dir.resolve("shop/conf/app.ini"));
        Files.writeString(dir.resolve("shop/extra.yaml"), "kind: Secret\n");

        AppHealth drifted = provider.status("shop");
        assertThat(drifted.state()).isEqualTo(AppState.DRIFTED);
        assertThat(drifted.message()).isEqualTo("in " + dir.resolve("shop")
                + ": conf/app.ini was deleted; configmap_shop_settings.yaml was changed; extra.yaml was added");
        assertThat(provider.appliedHash("shop")).contains("h1");

        provider.apply(desired);

        assertThat(provider.status("shop")).isEqualTo(AppHealth.ready());
        assertThat(dir.resolve("shop/extra.yaml")).doesNotExist();
        assertThat(dir.resolve("shop/configmap_shop_settings.yaml")).hasContent(SETTINGS.getManifest());
    }

    @Test
    void theAppliedHashSurvivesANewProviderOnTheSameDirectory() throws Exception {
        new ManifestDirProvider(dir).apply(desired("shop", 7, "h7", SETTINGS, LOGO));

        ManifestDirProvider restarted = new ManifestDirProvider(dir);

        assertThat(restarted.appliedHash("shop")).contains("h7");
        assertThat(restarted.status("shop")).isEqualTo(AppHealth.ready());
    }

    @Test
    void aFailedApplyLeavesThePreviousAppliedHash() throws Exception {
        ManifestDirProvider provider = new ManifestDirProvider(dir);
        provider.apply(desired("shop", 1, "h1", SETTINGS));
        // a non-empty folder where the next file must go: the move fails half-way through the apply
        Files.createDirectories(dir.resolve("shop/deployment_web.yaml/blocker"));

        assertThatThrownBy(() -> provider.apply(desired("shop", 2, "h2", SETTINGS, WEB)))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageStartingWith("apply shop into " + dir.resolve("shop"));

        assertThat(provider.appliedHash("shop")).contains("h1");
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void anEditedSidecarIsDriftAndNoAppliedHash() throws Exception {
        ManifestDirProvider provider = new ManifestDirProvider(dir);
        provider.apply(desired("shop", 1, "h1", SETTINGS));
        Files.writeString(dir.resolve(".cascade/shop.hash"), "whatever\n");

        assertThat(provider.status("shop").state()).isEqualTo(AppState.DRIFTED);
        assertThat(provider.appliedHash("shop")).isEmpty();
    }

    @Test
    void badResourcesAreRejectedNotRetryablyBeforeAnythingIsWritten() {
        ManifestDirProvider provider = new ManifestDirProvider(dir);
        Resource tampered = SETTINGS.toBuilder().setSha256("0".repeat(64)).build();

        assertRejected(provider, desired("shop", 1, "h1", file("../escape.txt", "x")),
                "resource File ../escape.txt: a File's name may not have empty, '.' or '..' segments");
        assertRejected(provider, desired("shop", 1, "h1", file("/etc/passwd", "x")),
                "resource File /etc/passwd: a File's name must be a relative path");
        assertRejected(provider, desired("shop", 1, "h1", tampered),
                "resource ConfigMap shop/settings: content sha256 " + SETTINGS.getSha256() + " does not match the declared " + "0".repeat(64));
        assertRejected(provider, desired("shop", 1, "h1", SETTINGS, file("configmap_shop_settings.yaml", "x")),
                "resources ConfigMap shop/settings and File configmap_shop_settings.yaml would both be written to configmap_shop_settings.yaml");
        assertRejected(provider, desired("Shop", 1, "h1", SETTINGS),
                "app name must be a DNS label (lower-case letters, digits, '-', at most 63), got \"Shop\"");
        assertThat(dir).isEmptyDirectory();
    }

    private static void assertRejected(Provider provider, AppDesired desired, String message) {
        assertThatThrownBy(() -> provider.apply(desired))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessage(message);
    }

    private static List<String> filesUnder(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()).sorted().toList();
        }
    }
}
