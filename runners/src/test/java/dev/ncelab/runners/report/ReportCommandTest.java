package dev.ncelab.runners.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.plugins.report.Browser;
import dev.ncelab.runners.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * A real (tiny) FCE run writes its page through the report logger, found on the class path like any plugin;
 * {@code report} rebuilds a page, {@code compare} compares two runs, bad directories exit with 2.
 */
class ReportCommandTest {
    record Result(int code, String out, String err) {}

    static synchronized Result cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /**
     * FCE-MAF on 2,000 points of 8gaussians, batch 200: 10 steps an epoch, 3 epochs, small grid. The accuracy of
     * such an untrained pair sits at 0.5 (measured), so a threshold of 0.4 lets the flow train too.
     */
    static Path train(Path dir, String name, String... overrides) throws Exception {
        Path exp = dir.resolve(name + ".yaml");
        Files.writeString(exp, """
                name: %s
                seed: 3
                dataset:  {type: 8gaussians, samples: 2000, held_out: 1000}
                energy:   {type: mlp, hidden: [16, 16]}
                noise:    {type: maf, blocks: 2, hidden: 16}
                objective: {type: nce}
                schedule: {type: fce, threshold: 0.4}
                training: {epochs: 3, batch: 200}
                logging:  {every: 2, eval_every: 10, grid: 40}
                """.formatted(name));
        String[] args = Stream.concat(Stream.of("run", exp.toString(), "output=" + dir.resolve("out"), "--quiet"),
                Stream.of(overrides)).toArray(String[]::new);
        Result r = cli(args);
        assertEquals(0, r.code(), r.err() + r.out());
        try (Stream<Path> s = Files.list(dir.resolve("out").resolve(name))) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void aRunWritesItsPageAndReportAndCompareRebuildAndCompare(@TempDir Path dir) throws Exception {
        Path run = train(dir, "fce-a");
        Path page = run.resolve("report.html");
        String html = Files.readString(page);
        for (int e = 1; e <= 3; e++) {
            assertTrue(html.contains("plots/viridis/epoch_00" + e + ".png"), "epoch " + e + " in the page");
        }
        assertTrue(html.contains("status finished"), "the final status");
        assertTrue(html.contains("\"id\":\"players\""), () -> "an FCE run shows who trained: " + read(run.resolve("metrics.csv")));

        // the rest of this test needs no browser: without one, only this part is left out (and said so)
        String noBrowser = Browser.ensureInstalled();
        if (noBrowser != null) {
            System.err.println("ReportCommandTest: browser part skipped: " + noBrowser);
        }
        if (noBrowser == null) {
            try (Browser b = Browser.open()) {
                b.load(page);
                assertEquals(List.of(), b.problems());
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> charts = (List<Map<String, Object>>) b.js("return window.ncelab.charts");
                // 30 steps logged every 2: 15 rows; the truth metrics at steps 10, 20, 30: 3 points
                for (Map<String, Object> c : charts) {
                    assertTrue(((Number) c.get("points")).intValue() >= 3, c.toString());
                }
                String src = (String) b.js("return document.getElementById('density-img').src");
                b.driver().findElement(By.id("epoch-slider")).sendKeys(Keys.HOME);
                String first = (String) b.js("return document.getElementById('density-img').src");
                assertTrue(src.endsWith("epoch_003.png") && first.endsWith("epoch_001.png"), src + " " + first);
            }
        }

        // an older run without page or viridis copies gets both from `report`
        Files.delete(page);
        try (Stream<Path> s = Files.list(run.resolve("plots/viridis"))) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Result r = cli("report", run.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(page) && Files.exists(run.resolve("plots/viridis/epoch_002.png")), r.out());

        Path other = train(dir, "fce-b", "schedule.threshold=0.45", "logging.report.viridis=false");
        assertFalse(Files.exists(other.resolve("plots/viridis")), "viridis copies switched off");
        Path cmp = dir.resolve("cmp/c.html");
        r = cli("compare", run.toString(), other.toString(), "--output", cmp.toString());
        assertEquals(0, r.code(), r.err());
        String c = Files.readString(cmp);
        assertTrue(c.contains("<tr class=\"diff\"><th>schedule.threshold</th>"), "the differing key is highlighted");
        assertTrue(c.contains("<tr class=\"diff\"><th>name</th>"));
        assertFalse(c.contains("<tr class=\"diff\"><th>seed</th>"), "equal keys are not");

        Path off = train(dir, "fce-c", "logging.report.enabled=false", "training.epochs=1");
        assertFalse(Files.exists(off.resolve("report.html")), "the logger can be switched off");
    }

    @Test
    void badDirectoriesExitWithTwoAndLeaveThePageAlone(@TempDir Path dir) throws Exception {
        Result r = cli("report", dir.resolve("nope").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("does not exist"), r.err());
        r = cli("report", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("neither a run directory"), r.err());
        r = cli("compare", dir.toString(), dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is not a run directory"), r.err());
        r = cli("compare", dir.toString());
        assertEquals(2, r.code(), "one run is not a comparison");

        Path run = dir.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("config.yaml"), "name: x\n");
        Files.writeString(run.resolve("metrics.csv"), "step,value\n10,1.2\n20,1.1\n30,x\n40,1.0\n");
        Files.writeString(run.resolve("report.html"), "old page");
        r = cli("report", run.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("metrics.csv:4") && r.err().contains("'value'"), r.err());
        assertEquals("old page", Files.readString(run.resolve("report.html")), "not overwritten on bad input");
    }
}
