package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.edge.provider.Providers;
import io.cascade.proto.RolloutPolicy;
import io.cascade.proto.Wave;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.OperatorTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code ./cascade test} installs when missing) driven by Selenium against a real hub, both relays and 6 edges. A
 * publisher signs in and sees the site count, a rollout's wave moves on the page without a reload, the pause button
 * pauses it, a stopped edge shows as offline, an app that fails lists its sites with their error text; a read-only
 * credential sees no buttons. Screenshots of each step land in
 * {@code target/screenshots/}.
 */
class DashboardBrowserIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target/screenshots");
    static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    static FleetHarness fleet;

    @BeforeAll
    static void start() throws Exception {
        fleet = new FleetHarness(FABRIC, site -> Providers.fromSpec("sim:failApps=broken"));
        fleet.startAllEdges();
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        fleet.close();
    }

    static WebDriver browser() {
        assertThat(CHROMIUM).as("Debian's chromium (./cascade test installs it)").exists();
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver (./cascade test installs it)").exists();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // the page's certificate is from the fleet CA, which this browser profile does not know
        options.setAcceptInsecureCerts(true);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    static String base() {
        return "https://127.0.0.1:" + fleet.hub.dashboardPort().orElseThrow() + "/";
    }

    @Test
    void aPublisherWatchesARolloutLivePausesItAndSeesASiteGoOfflineAReaderHasNoButtons() throws Exception {
        fleet.publish(Intents.app("shop", "1.0", Map.of(), List.of()).build());
        WebDriver publisher = browser();
        try {
            WebDriverWait wait = waiting(publisher);
            signIn(publisher, wait, FABRIC.operatorToken("alice", OperatorTokens.Role.PUBLISHER));
            wait.until(ExpectedConditions.textToBe(By.id("total-sites"), "6"));
            wait.until(ExpectedConditions.attributeToBe(By.id("rollout-shop"), "data-state", "STABLE"));
            // marks this page load: a reload would lose it
            ((JavascriptExecutor) publisher).executeScript("window.cascadeTestMark = 42;");
            shot(publisher, "1-fleet");

            RolloutPolicy waves = RolloutPolicy.newBuilder().addWaves(Wave.newBuilder().setPercent(50))
                    .addWaves(Wave.newBuilder().setPercent(100))
                    .setMinSoak(com.google.protobuf.util.Durations.fromSeconds(4)).build();
            fleet.publish(Intents.app("shop", "2.0", Map.of(), List.of()).setRollout(waves).build());
            wait.until(ExpectedConditions.attributeToBe(By.id("rollout-shop"), "data-wave", "50"));
            shot(publisher, "2-rollout-wave-50");
            wait.until(ExpectedConditions.attributeToBe(By.id("rollout-shop"), "data-state", "STABLE"));
            assertThat(((JavascriptExecutor) publisher).executeScript("return window.cascadeTestMark;"))
                    .as("the wave moved on the same page load").isEqualTo(42L);

            RolloutPolicy slow = RolloutPolicy.newBuilder().addWaves(Wave.newBuilder().setPercent(50))
                    .addWaves(Wave.newBuilder().setPercent(100))
                    .setMinSoak(com.google.protobuf.util.Durations.fromSeconds(600)).build();
            fleet.publish(Intents.app("shop", "3.0", Map.of(), List.of()).setRollout(slow).build());
            wait.until(ExpectedConditions.attributeToBe(By.id("rollout-shop"), "data-state", "ROLLING_OUT"));
            // found and clicked in one step: a redraw between the two would leave a stale element
            wait.until(d -> {
                org.openqa.selenium.WebElement pause = d.findElement(By.cssSelector("#rollout-shop button[data-action=pause]"));
                if (!pause.isEnabled()) {
                    return false;
                }
                pause.click();
                return true;
            });
            wait.until(ExpectedConditions.attributeToBe(By.id("rollout-shop"), "data-state", "PAUSED"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#rollout-shop .summary"), "3.0"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("#rollout-shop .wave.current[data-percent='50']"), "paused"));
            shot(publisher, "3-paused");

            fleet.stopEdge("store-eu-0001");
            wait.until(ExpectedConditions.textToBe(By.cssSelector("#regions tr[data-region=eu] td:nth-child(4)"), "1"));
            wait.until(ExpectedConditions.textToBe(By.cssSelector("#sites tr[data-site=store-eu-0001] td:nth-child(3)"), "offline"));
            shot(publisher, "4-site-offline");

            // an app whose every apply fails: its failing sites with their error text
            fleet.publish(Intents.app("broken", "1", Map.of(), List.of("us")).build());
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#rollout-broken .failing li"), 3));
            assertThat(publisher.findElements(By.cssSelector("#rollout-broken .failing li")))
                    .allSatisfy(li -> assertThat(li.getText()).matches("[a-z0-9-]+-us-\\d+ \\(us\\): .*\\S.*"));
            shot(publisher, "6-failing-sites");
            assertThat(((JavascriptExecutor) publisher).executeScript("return window.cascadeTestMark;")).isEqualTo(42L);
        } finally {
            publisher.quit();
        }

        WebDriver reader = browser();
        try {
            WebDriverWait wait = waiting(reader);
            signIn(reader, wait, FABRIC.operatorToken("bob", OperatorTokens.Role.READ_ONLY));
            wait.until(ExpectedConditions.attributeToBe(By.id("rollout-shop"), "data-state", "PAUSED"));
            assertThat(reader.findElement(By.id("who")).getText()).contains("bob", "read-only");
            assertThat(reader.findElements(By.cssSelector("#rollout-shop button"))).as("a read-only sign-in has no buttons").isEmpty();
            shot(reader, "5-read-only");
        } finally {
            reader.quit();
        }
    }

    /** Waits up to {@link #WAIT}; the page redraws a rollout on every event, so an element found may be replaced at once. */
    static WebDriverWait waiting(WebDriver driver) {
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    static void signIn(WebDriver driver, WebDriverWait wait, String credential) {
        driver.get(base());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("credential"))).sendKeys(credential);
        driver.findElement(By.id("signin-button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("main")));
    }

    static void shot(WebDriver driver, String name) throws java.io.IOException {
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }
}
