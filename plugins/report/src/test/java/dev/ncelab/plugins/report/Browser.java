package dev.ncelab.plugins.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium (Debian's {@code chromium} and {@code chromedriver}) driven through Selenium. When either is
 * missing, {@code scripts/install-browser.sh} is run once (it installs them with apt-get as root); when that
 * fails the calling test is skipped with the reason. Besides the driver it collects what a page did wrong:
 * console errors (including Content-Security-Policy refusals) and every request that was not to a file.
 */
public final class Browser implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Held so that the level sticks (java.util.logging keeps loggers weakly). */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");
    private static String unavailable;
    private static boolean checked;

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** A headless browser, or the test is skipped (with the reason, also printed) where none can be installed. */
    public static Browser open() {
        String why = ensureInstalled();
        if (why != null) {
            System.err.println("browser tests skipped: no headless Chromium: " + why);
        }
        Assumptions.assumeTrue(why == null, () -> "skipped: no headless Chromium: " + why);
        // Selenium looks for DevTools bindings of the browser's version, which the tests do not use
        QUIET.setLevel(Level.SEVERE);
        ChromeOptions o = new ChromeOptions();
        o.setBinary(which("chromium"));
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1800", "--hide-scrollbars", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-default-apps", "--disable-sync", "--force-device-scale-factor=1");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(which("chromedriver"))).usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, o));
    }

    /** Null when chromium and chromedriver are there (installing them if needed), else why not. */
    public static synchronized String ensureInstalled() {
        if (checked) {
            return unavailable;
        }
        checked = true;
        if (which("chromium") != null && which("chromedriver") != null) {
            return null;
        }
        Path script = findScript();
        if (script == null) {
            return unavailable = "scripts/install-browser.sh not found above " + Path.of("").toAbsolutePath();
        }
        try {
            Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                return unavailable = script + " failed: " + out.strip();
            }
        } catch (IOException e) {
            return unavailable = "cannot run " + script + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable = "interrupted while installing";
        }
        return which("chromium") != null && which("chromedriver") != null ? null
                : (unavailable = "chromium or chromedriver still missing after " + script);
    }

    private static Path findScript() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("scripts/install-browser.sh");
            if (Files.isRegularFile(s)) {
                return s;
            }
        }
        return null;
    }

    static String which(String name) {
        // ncelab.browser.path replaces PATH for this look-up (to try the skip path: -Dncelab.browser.path=/none)
        String path = System.getProperty("ncelab.browser.path", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** Opens a page from disk and waits until its script has run (or 30 s: a page whose script failed). */
    public void load(Path page) {
        driver.get(page.toAbsolutePath().toUri().toString());
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d)
                .executeScript("return document.readyState === 'complete' && !!(window.ncelab && window.ncelab.ready)")));
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * What the page did wrong since the last call: console errors (a script error, a refused load) and requests
     * whose URL is not a file, data or about URL (the network).
     */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                out.add("console: " + e.getMessage());
            }
        }
        for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
            try {
                JsonNode msg = JSON.readTree(e.getMessage()).path("message");
                if (msg.path("method").asText().equals("Network.requestWillBeSent")) {
                    String url = msg.path("params").path("request").path("url").asText();
                    if (!(url.startsWith("file:") || url.startsWith("data:") || url.startsWith("about:"))) {
                        out.add("request: " + url);
                    }
                }
            } catch (IOException ex) {
                out.add("unreadable performance log entry: " + e.getMessage());
            }
        }
        return out;
    }

    public BufferedImage screenshot() {
        try {
            return ImageIO.read(new ByteArrayInputStream(driver.getScreenshotAs(OutputType.BYTES)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Distinct colours in an image (a blank page has one or two). */
    public static int colours(BufferedImage img) {
        Set<Integer> s = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                s.add(img.getRGB(x, y) & 0xffffff);
            }
        }
        return s.size();
    }

    /** The fraction of pixels that are not the background (top-left pixel's colour). */
    public static double inked(BufferedImage img) {
        int bg = img.getRGB(0, 0);
        long n = 0;
        long ink = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                n++;
                if (img.getRGB(x, y) != bg) {
                    ink++;
                }
            }
        }
        return (double) ink / n;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
