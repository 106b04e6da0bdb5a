package dev.ncelab.plugins.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The pages in headless Chromium: no console error, no network, curves drawn, slider, sorting, screenshots. */
class BrowserTest {
    static Browser browser;

    /** Opened by the first test (not in a BeforeAll: a skip there would not count the tests as skipped). */
    @BeforeEach
    void open() {
        if (browser == null) {
            browser = Browser.open();
        }
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.close();
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> charts() {
        return (List<Map<String, Object>>) browser.js("return window.ncelab.charts");
    }

    static String imageSrc() {
        return (String) browser.js("return document.getElementById('density-img').src");
    }

    /** Waits until the density image has loaded (a broken link never gets a natural width). */
    static void awaitImage() {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(browser.js(
                "var i = document.getElementById('density-img'); return i.complete && i.naturalWidth > 0")));
    }

    static void assertNotBlank(BufferedImage shot) {
        // a blank or failed page is one or two colours; the charts' anti-aliased lines and the jet panels give
        // thousands (measured: about 4,000 for this page). 200 leaves a wide margin.
        assertTrue(Browser.colours(shot) > 200, "distinct colours: " + Browser.colours(shot));
        // measured about 12-20% of the pixels differ from the white background; a page with only a title is <1%
        assertTrue(Browser.inked(shot) > 0.03, "inked fraction: " + Browser.inked(shot));
    }

    @Test
    void runPageLoadsOfflineDrawsItsCurvesAndTheSliderChangesTheDensityImage(@TempDir Path tmp) throws Exception {
        // 5,000 metric rows: the reference's 50,000 steps logged every 10 steps (logging.every's default)
        Path run = Fixtures.fceRun(tmp.resolve("run"), 5000, 4, 0.6, 3);
        Path page = RunPage.write(run);
        long t0 = System.nanoTime();
        browser.load(page);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(List.of(), browser.problems(), "console errors or network requests");
        // loading and drawing 6 charts of 5,000 rows took 0.43 s here; 10 s would be an unusable page
        assertTrue(seconds < 10, "load took " + seconds + " s");
        List<Map<String, Object>> charts = charts();
        assertEquals(List.of("loss", "accuracy", "log_z", "mse_logp", "loglik", "players"),
                charts.stream().map(c -> c.get("id")).toList());
        for (Map<String, Object> c : charts) {
            assertTrue(((Number) c.get("points")).longValue() >= 500, "chart " + c.get("id") + " has " + c.get("points")
                    + " points (the sparsest columns, the truth metrics, have 500)");
        }
        assertEquals(2L, charts.get(2).get("series"), "learned log_z beside log_z_quadrature");
        assertEquals(4L, browser.js("return document.querySelectorAll('.uplot').length - 2"), "a uPlot per chart");
        // the canvas of each chart has drawn pixels (not only axes): read back from the first chart's canvas
        long drawn = (Long) browser.js("var c = document.querySelector('.uplot canvas'); var d = c.getContext('2d')"
                + ".getImageData(0, 0, c.width, c.height).data; var n = 0; for (var i = 3; i < d.length; i += 4) "
                + "{ if (d[i] > 0) n++; } return n;");
        assertTrue(drawn > 1000, "drawn pixels in the first chart: " + drawn);

        awaitImage();
        String last = imageSrc();
        assertTrue(last.endsWith("plots/epoch_004.png"), last);
        WebElement slider = browser.driver().findElement(By.id("epoch-slider"));
        slider.sendKeys(Keys.HOME);
        awaitImage();
        assertTrue(imageSrc().endsWith("plots/epoch_001.png"), imageSrc());
        assertTrue(browser.driver().findElement(By.id("epoch-label")).getText().startsWith("epoch 1 "));
        slider.sendKeys(Keys.ARROW_RIGHT);
        awaitImage();
        assertTrue(imageSrc().endsWith("plots/epoch_002.png"), imageSrc());
        browser.driver().findElement(By.id("cmap-viridis")).click();
        awaitImage();
        assertTrue(imageSrc().endsWith("plots/viridis/epoch_002.png"), imageSrc());
        assertEquals(List.of(), browser.problems(), "after interacting");
        BufferedImage shot = browser.screenshot();
        assertNotBlank(shot);
        assertTrue(!browser.driver().getPageSource().contains("<script>alert(1)"), "config text is escaped");
    }

    @Test
    void sweepPageSortsByAColumnWhenItsHeaderIsClickedAndLinksToTheRuns(@TempDir Path tmp) throws Exception {
        Path dir = Fixtures.sweep(tmp.resolve("sweep"));
        browser.load(SweepPage.write(dir, dir.resolve("jobs.csv"), Fixtures.SWEEP));
        assertEquals(List.of(), browser.problems(), "console errors or network requests");
        List<Map<String, Object>> charts = charts();
        List<Object> ids = charts.stream().map(c -> c.get("id")).toList();
        assertTrue(ids.containsAll(List.of("effect:schedule.threshold", "effect:seed", "loss", "mse_logp")), ids.toString());
        // 5 finished points: each is a dot in each parameter's chart
        assertEquals(5L, chart(charts, "effect:schedule.threshold").get("points"));
        assertEquals(5L, chart(charts, "effect:seed").get("points"));
        assertEquals(3L, chart(charts, "loss").get("series"), "the 3 best points' curves");

        int col = ((Long) browser.js("return Array.from(document.querySelectorAll('#jobs thead th')).findIndex("
                + "th => th.textContent === 'mse_logp')")).intValue();
        WebElement header = browser.driver().findElements(By.cssSelector("#jobs thead th")).get(col);
        header.click();
        List<Double> asc = column(col);
        assertEquals(5, asc.size());
        for (int i = 1; i < asc.size(); i++) {
            assertTrue(asc.get(i - 1) <= asc.get(i), "ascending after one click: " + asc);
        }
        header.click();
        List<Double> desc = column(col);
        for (int i = 1; i < desc.size(); i++) {
            assertTrue(desc.get(i - 1) >= desc.get(i), "descending after a second click: " + desc);
        }
        WebElement filter = browser.driver().findElement(By.cssSelector("input.filter"));
        filter.sendKeys("failed");
        assertEquals(1L, browser.js("return Array.from(document.querySelectorAll('#jobs tbody tr')).filter(r => "
                + "!r.hidden).length"));
        String href = (String) browser.js("return document.querySelector('#jobs tbody a').getAttribute('href')");
        assertTrue(href.matches("runs/\\d/report.html"), href);
        assertTrue(Files.exists(dir.resolve(href)));
        filter.clear();
        filter.sendKeys(Keys.BACK_SPACE);
        assertEquals(List.of(), browser.problems(), "after interacting");
        assertNotBlank(browser.screenshot());
    }

    @SuppressWarnings("unchecked")
    static List<Double> column(int col) {
        return ((List<Object>) browser.js("return Array.from(document.querySelectorAll('#jobs tbody tr')).map(r => "
                + "r.cells[" + col + "].textContent).filter(s => s !== '')")).stream()
                .map(o -> Double.parseDouble(o.toString())).toList();
    }

    static Map<String, Object> chart(List<Map<String, Object>> charts, String id) {
        return charts.stream().filter(c -> id.equals(c.get("id"))).findFirst().orElseThrow(() -> new AssertionError(
                "no chart " + id + " in " + charts));
    }

    @Test
    void comparePageDrawsEachRunAndHighlightsTheDifferingKeys(@TempDir Path tmp) throws Exception {
        Path a = Fixtures.fceRun(tmp.resolve("a"), 300, 2, 0.6, 2);
        Path b = Fixtures.fceRun(tmp.resolve("b"), 200, 2, 0.7, 3);
        Path page = ComparePage.write(tmp.resolve("out/compare.html"), List.of(a, b));
        browser.load(page);
        assertEquals(List.of(), browser.problems(), "console errors or network requests");
        Map<String, Object> value = charts().get(0);
        assertEquals("loss", value.get("id"));
        assertEquals(2L, value.get("series"), "one line per run");
        assertEquals(500L, value.get("points"), "300 + 200 rows");
        @SuppressWarnings("unchecked")
        List<String> diff = (List<String>) browser.js("return Array.from(document.querySelectorAll('#config tr.diff th'))"
                + ".map(t => t.textContent)");
        assertEquals(List.of("schedule.threshold"), diff);
        browser.driver().findElement(By.id("only-diff")).click();
        assertEquals(1L, browser.js("return Array.from(document.querySelectorAll('#config tbody tr')).filter(r => "
                + "r.offsetParent !== null).length"), "only the differing key is shown");
        assertEquals(2L, browser.js("return Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0)"
                + ".length"), "each run's last density plot, linked relative to the page");
    }

    @Test
    void theChecksCatchAConsoleErrorAndANetworkRequest(@TempDir Path tmp) throws Exception {
        // the page's own CSP refuses an external image: a console error
        Path withCsp = tmp.resolve("csp.html");
        Files.writeString(withCsp, Page.html("t", "run", "<img src=\"http://127.0.0.1:9/x.png\">",
                Map.of("kind", "run"), false));
        browser.load(withCsp);
        List<String> p = browser.problems();
        assertTrue(p.stream().anyMatch(s -> s.startsWith("console:") && s.contains("127.0.0.1")), p.toString());
        // without the CSP the request goes out and the performance log shows it; a script error is reported too
        Path open = tmp.resolve("open.html");
        Files.writeString(open, "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/y.png\"><script>"
                + "window.ncelab = {ready: true}; undefinedFunction();</script></body></html>");
        browser.load(open);
        p = browser.problems();
        assertTrue(p.contains("request: http://127.0.0.1:9/y.png"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.contains("undefinedFunction")), p.toString());
    }
}
