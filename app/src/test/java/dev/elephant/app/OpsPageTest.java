package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.runtime.Elephant;
import java.io.File;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.TakesScreenshot;

/**
 * The operations page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs; nothing is downloaded): it follows Elephant live, without a reload.
 */
class OpsPageTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String KEY = "k-ops-page";
    private static final String TOKEN = "cf-ops-page";

    @TempDir
    Path dir;
    private RunFixture run;
    private WebDriver browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (run != null) {
            run.close();
        }
    }

    static WebDriver headlessChromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Flags for a closed network and a root user in a container: no sandbox, no background calls home.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,1700", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @Test
    void instancesAndMeetingsAppearLiveWithTheirChangesAndRefusedInput() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER) || System.getenv("CI") != null,
                "chromium and chromium-driver are not installed (.ci/run installs them)");
        run = new RunFixture("opspage", TOKEN, KEY);
        Path config = run.config(Files.createDirectories(dir.resolve("a")), "");
        run.elephant = Elephant.start(RunConfig.load(config, Map.of("ELEPHANT_INGEST_KEY", KEY,
                "ELEPHANT_CLOUDFLARE_TOKEN", TOKEN), new SecretsManagerReader()));
        browser = headlessChromium(Files.createDirectories(dir.resolve("chromium")));
        browser.get(run.ops("/ui/").toString());
        // The page re-renders its tables every 2 s: an element found just before a refresh is stale by the time it is
        // read, so every wait finds it again rather than failing on it.
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.ignoring(StaleElementReferenceException.class);
        wait.until(d -> d.findElement(By.id("updated")).getText().startsWith("Updated"));
        assertThat(browser.getTitle()).isEqualTo("Elephant operations");
        assertThat(browser.findElement(By.id("certificate")).getText()).contains("no certificate");

        // An instance launched now appears without a reload, with its record.
        String id = Ec2Launcher.launch(run.aws, "Project", "Elephant", "MeetingId", "m-ops", "Role", "teacher");
        wait.until(d -> d.findElement(By.cssSelector("#instances tbody")).getText().contains(id));
        wait.until(d -> rowOf(d, id).getText().contains(id + "." + RunFixture.DOMAIN + " →"));
        String row = wait.until(d -> rowOf(d, id).getText());
        assertThat(row).contains("running").contains("m-ops").contains("teacher");

        // Its meeting scheduled: the meeting turns ready with the teacher's link, without a reload.
        HttpResponse<String> scheduled = HttpClient.newHttpClient().send(HttpRequest.newBuilder(run.api("/v1/meetings"))
                .header("X-Elephant-Key", KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"scheduled\",\"meetingId\":\"m-ops\","
                        + "\"roles\":[\"teacher\"],\"startsAt\":\"2026-11-22T10:00:00Z\","
                        + "\"endsAt\":\"2099-11-22T11:00:00Z\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scheduled.statusCode()).as(scheduled.body()).isEqualTo(202);
        wait.until(d -> d.findElement(By.cssSelector("#meetings tr[data-meeting-id='m-ops']")).getText()
                .contains("ready"));
        List<String> link = wait.until(d -> {
            WebElement a = d.findElement(By.cssSelector("#meetings tr[data-meeting-id='m-ops'] a"));
            return List.of(a.getText(), a.getAttribute("href"));
        });
        assertThat(link.get(0)).isEqualTo("teacher");
        assertThat(link.get(1)).isEqualTo("https://" + id + "." + RunFixture.DOMAIN + ":8443/");

        // The meeting's own page: when it became ready, and its instances' DNS changes with their causes in words.
        wait.until(d -> {
            d.findElement(By.cssSelector("#meetings tr[data-meeting-id='m-ops']")).click();
            return true;
        });
        wait.until(d -> d.findElement(By.id("meeting-summary")).getText().contains("s from scheduled to ready"));
        wait.until(d -> d.findElement(By.cssSelector("#meeting-timeline tbody")).getText().contains("EC2 running at"));
        assertThat(browser.getCurrentUrl()).as("the meeting's view has an address of its own").endsWith("#meeting=m-ops");

        // The numbers behind health, with their last hour drawn.
        wait.until(d -> d.findElement(By.id("status")).getText().contains("RUNNING"));
        assertThat(browser.findElements(By.cssSelector("#status svg"))).hasSize(4);
        assertThat(browser.findElement(By.id("status")).getText()).contains("DNS provider (cloudflare): budget used");

        // A failover name appears with where it points and what its checks saw.
        try (java.net.ServerSocket db = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            HttpResponse<String> declared = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    run.api("/v1/failover")).header("X-Elephant-Key", KEY).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"name\":\"db\",\"primary\":{\"address\":\"127.0.0.1\"},\"secondary\":{\"address\":"
                            + "\"127.0.0.9\"},\"check\":{\"type\":\"tcp\",\"port\":" + db.getLocalPort() + "},"
                            + "\"interval\":\"PT1S\",\"timeout\":\"PT0.5S\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(declared.statusCode()).as(declared.body()).isEqualTo(202);
            wait.until(d -> d.findElement(By.cssSelector("#failover tbody")).getText()
                    .contains("db." + RunFixture.DOMAIN + " primary 127.0.0.1 127.0.0.1: "));
            wait.until(d -> d.findElement(By.cssSelector("#failover tr[data-name='db']")).getText()
                    .contains("connected in"));
        }

        // Keyboard: focus the row, Enter shows the instance and its record's history.
        wait.until(d -> {
            rowOf(d, id).sendKeys(Keys.ENTER);
            return true;
        });
        wait.until(d -> d.findElement(By.id("detail")).getText().contains("\"instanceId\": \"" + id + "\""));
        wait.until(d -> d.findElement(By.cssSelector("#history tbody")).getText().contains("applied create"));

        // The DNS change is in the last hour's mutations, and a refused input under dead letters.
        wait.until(d -> d.findElement(By.cssSelector("#mutations tbody")).getText()
                .contains(id + "." + RunFixture.DOMAIN));
        HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                run.api("/v1/eventbridge")).header("X-Elephant-Key", KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(400);
        wait.until(d -> d.findElement(By.id("dead-letters")).getText().contains("malformed-json"));
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path saved = Path.of("target", "screenshots", "ops-page.png");
        Files.createDirectories(saved.getParent());
        Files.copy(shot.toPath(), saved, StandardCopyOption.REPLACE_EXISTING);


        // The last hour's changes narrowed to one name.
        browser.findElement(By.id("mutations-filter")).sendKeys("no-such-name");
        wait.until(d -> !d.findElement(By.cssSelector("#mutations tbody")).getText().contains(id));

        // The filter narrows the page.
        browser.findElement(By.id("filter")).sendKeys("no-such-instance");
        wait.until(d -> !d.findElement(By.cssSelector("#instances tbody")).getText().contains(id));

        // Elephant gone: the page says so instead of showing stale data as if live.
        run.elephant.close();
        run.elephant = null;
        wait.until(d -> d.findElement(By.id("health")).getText().contains("unavailable"));
    }

    private static WebElement rowOf(WebDriver d, String id) {
        return d.findElement(By.cssSelector("#instances tbody tr[data-instance-id='" + id + "']"));
    }
}
