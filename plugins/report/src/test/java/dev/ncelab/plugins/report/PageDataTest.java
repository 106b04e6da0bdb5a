package dev.ncelab.plugins.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What goes into the pages, without a browser. */
class PageDataTest {
    @Test
    void metricsCsvKeepsGapsReadsQuotedCellsAndDropsATornLastLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("metrics.csv");
        Files.writeString(f, "step,trained,value,mse_logp,note\n10,energy,1.38,,\"a, b\"\n20,noise,1.37,0.5,x\n30,ener");
        Metrics m = Metrics.read(f);
        assertEquals(2, m.rows(), "the torn line is left out");
        assertArrayEquals(new Double[] {10.0, 20.0}, m.numbers().get("step"));
        assertArrayEquals(new Double[] {null, 0.5}, m.numbers().get("mse_logp"));
        assertArrayEquals(new String[] {"energy", "noise"}, m.texts().get("trained"));
        assertArrayEquals(new String[] {"a, b", "x"}, m.texts().get("note"));
    }

    @Test
    void aColumnMixingNumbersAndTextIsAnErrorNamingTheFileAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("metrics.csv");
        Files.writeString(f, "step,value\n10,1.3\n20,oops\n30,1.2\n");
        ReportException e = assertThrows(ReportException.class, () -> Metrics.read(f));
        assertTrue(e.getMessage().contains("metrics.csv:3") && e.getMessage().contains("'value'"), e.getMessage());
    }

    @Test
    void anFceRunGetsEveryCurveAndAnNceRunNoPlayersChart(@TempDir Path dir) throws Exception {
        Path run = Fixtures.fceRun(dir.resolve("fce"), 100, 1, 0.6, 2);
        Map<String, Object> model = RunPage.model(RunData.read(run));
        List<Map<String, Object>> charts = charts(model);
        assertEquals(List.of("loss", "accuracy", "log_z", "mse_logp", "loglik", "players"), ids(charts));
        assertEquals(List.of(Map.of("label", "best possible (−H of the data)", "value", -2.8316)),
                charts.get(4).get("hlines"));
        // an NCE run: the EBM trains every step, so who trained says nothing; no truth metrics measured
        Path nce = dir.resolve("nce");
        Files.createDirectories(nce);
        Files.writeString(nce.resolve("config.yaml"), "name: nce-8gaussians\n");
        Files.writeString(nce.resolve("metrics.csv"), "step,epoch,trained,nce_loss,accuracy,log_z,energy_fraction,"
                + "nonfinite_steps,seconds,cd_gap\n10,1,energy,1.3,0.6,1.0,1.0,0,0.1,0.5\n20,1,energy,1.2,0.7,1.1,1.0,0,"
                + "0.2,0.4\n");
        List<Map<String, Object>> nceCharts = charts(RunPage.model(RunData.read(nce)));
        assertEquals(List.of("loss", "accuracy", "log_z", "cd_gap"), ids(nceCharts), "absent columns are absent, an "
                + "unknown metric gets its own chart, nonfinite_steps that stayed 0 and energy_fraction of 1 none");
        Map<String, Object> columns = runColumns(RunPage.model(RunData.read(nce)));
        assertFalse(columns.containsKey("seconds"), "unused columns stay out of the page");
        assertFalse(columns.containsKey(Charts.EBM_TRAINED));
    }

    @Test
    void aLongRunIsThinnedToAboutTenThousandRowsKeepingEveryEvaluation(@TempDir Path dir) throws Exception {
        Path run = Fixtures.fceRun(dir.resolve("long"), 50_000, 1, 0.6, 2);
        Metrics m = Metrics.read(run.resolve("metrics.csv"));
        assertEquals(50_000, m.rows());
        Metrics t = m.thin(Charts.MAX_ROWS);
        // every 5th row from row 0 (k = 50,000 / 10,000): 10,000; plus the evaluation rows (rows 9, 19, ...; the
        // last row is one): 5,000
        assertEquals(15_000, t.rows());
        long evals = Arrays.stream(m.numbers().get("mse_logp")).filter(x -> x != null).count();
        assertEquals(evals, Arrays.stream(t.numbers().get("mse_logp")).filter(x -> x != null).count());
        assertEquals(500_000.0, t.numbers().get("step")[t.rows() - 1], "the last row is kept");
        // with evaluations off the stride (every 7th row), they are kept as well
        Metrics odd = new Metrics(List.of("step", "e"), Map.of("step", seq(1000), "e", every(1000, 7)), Map.of(), 1000);
        Metrics thin = odd.thin(200);
        assertEquals(Arrays.stream(every(1000, 7)).filter(x -> x != null).count(),
                Arrays.stream(thin.numbers().get("e")).filter(x -> x != null).count());
        assertTrue(thin.rows() <= 344, "200 stride rows + 143 evaluations (some shared) + the last: " + thin.rows());
        // a column with more values than the limit is not kept whole: it is thinned with the rest
        assertTrue(odd.thin(100).rows() <= 101, "rows: " + odd.thin(100).rows());
        String html = RunPage.html(RunData.read(run), null);
        // 15,000 rows of 10 charted columns as JSON, plus uPlot (50 kB): measured 1.1 MB; unthinned, 50,000 rows
        // would be over 3 times that (3.5 MB)
        assertTrue(html.length() < 2_000_000, "page size " + html.length());
    }

    private static Double[] seq(int n) {
        Double[] a = new Double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (double) i;
        }
        return a;
    }

    private static Double[] every(int n, int k) {
        Double[] a = new Double[n];
        for (int i = 0; i < n; i += k) {
            a[i] = (double) i;
        }
        return a;
    }

    @Test
    void theModelAndTextCannotCloseTheScriptElement() {
        String json = Page.json(Map.of("a", "</script><script>alert(1)</script> <!--"));
        assertFalse(json.contains("</"), json);
        assertFalse(json.contains("<!--"), json);
        assertEquals("&lt;b&gt;&amp;&quot;&#39;", Page.esc("<b>&\"'"));
    }

    @Test
    void thePageIsSelfContainedWithAPolicyThatForbidsNetworkLoads(@TempDir Path dir) throws Exception {
        Path run = Fixtures.fceRun(dir.resolve("r"), 20, 2, 0.6, 2);
        String html = Files.readString(RunPage.write(run));
        assertTrue(html.contains("default-src 'none'"), "a CSP");
        assertTrue(html.contains("uPlot"), "the charting library inlined");
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "no external reference");
        assertTrue(html.contains("\"jet\":\"plots/epoch_002.png\",\"viridis\":\"plots/viridis/epoch_002.png\""), html);
        assertTrue(html.contains("status finished"), "the status from metadata.json");
        assertTrue(RunPage.html(RunData.read(run), "running").contains("http-equiv=\"refresh\""),
                "a running run's page reloads itself");
    }

    @Test
    void aSweepGroupsTheMetricByEachParameterAndRanksByTheGoal(@TempDir Path dir) throws Exception {
        Path sweep = Fixtures.sweep(dir.resolve("s"));
        SweepPage.Jobs jobs = SweepPage.read(sweep.resolve("jobs.csv"));
        List<Map<String, String>> ranked = SweepPage.ranked(jobs, Fixtures.SWEEP);
        assertEquals(List.of("4", "3", "2", "1", "0"), ranked.stream().map(r -> r.get("index")).toList(),
                "mse_logp falls with the threshold and the seed in the fixture; the failed #5 is out");
        Map<String, Object> e = SweepPage.effect(jobs, Fixtures.SWEEP, "schedule.threshold");
        assertEquals(List.of(0.5, 0.6, 0.7), e.get("x"));
        @SuppressWarnings("unchecked")
        List<Double> mean = (List<Double>) e.get("mean");
        double a = Double.parseDouble(jobs.rows().get(0).get("mse_logp"));
        double b = Double.parseDouble(jobs.rows().get(1).get("mse_logp"));
        assertEquals((a + b) / 2, mean.get(0), 1e-12);
        @SuppressWarnings("unchecked")
        List<Double> hi = (List<Double>) e.get("hi");
        assertEquals((a + b) / 2 + Math.abs(a - b) / Math.sqrt(2), hi.get(0), 1e-12, "mean + sample sd of two");
        @SuppressWarnings("unchecked")
        List<Double> lo = (List<Double>) e.get("lo");
        assertEquals(mean.get(2), lo.get(2), "0.7 has one finished point: no spread");
        SweepPage.Sweep max = new SweepPage.Sweep("s", "mse_logp", true, Fixtures.SWEEP.parameters());
        assertEquals("0", SweepPage.ranked(jobs, max).get(0).get("index"), "maximize reverses the ranking");
        String html = Files.readString(SweepPage.write(sweep, sweep.resolve("jobs.csv"), Fixtures.SWEEP));
        assertTrue(html.contains("<a href=\"runs/4/report.html\">4</a>"), "rows link to their run's page");
        assertFalse(html.contains("runs/5/report.html"), "the failed point has no page to link");
    }

    @Test
    void aJobsFileWithoutIndexOrARaggedRowIsReportedWithItsLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("jobs.csv");
        Files.writeString(f, "a,b\n1,2\n");
        assertTrue(assertThrows(ReportException.class, () -> SweepPage.read(f)).getMessage().contains("jobs.csv:1"));
        Files.writeString(f, "index,status\n0,finished\n1,failed,extra\n");
        String msg = assertThrows(ReportException.class, () -> SweepPage.read(f)).getMessage();
        assertTrue(msg.contains("jobs.csv:3"), msg);
    }

    @Test
    void compareFindsTheDifferingKeysIncludingOnesOnlyOneRunHas(@TempDir Path dir) throws Exception {
        Path a = Fixtures.fceRun(dir.resolve("a"), 20, 1, 0.6, 2);
        Path b = Fixtures.fceRun(dir.resolve("b"), 20, 1, 0.7, 2);
        Files.writeString(b.resolve("config.yaml"), Files.readString(b.resolve("config.yaml")) + "extra: {k: 1}\n");
        List<RunData> runs = List.of(RunData.read(a), RunData.read(b));
        Map<String, List<String>> table = ComparePage.configTable(runs);
        assertEquals(List.of("schedule.threshold", "extra.k"), List.copyOf(ComparePage.differing(table)));
        assertEquals(Arrays.asList(null, "1"), table.get("extra.k"));
        assertEquals(List.of("0.6", "0.7"), table.get("schedule.threshold"));
        assertThrows(ReportException.class, () -> ComparePage.write(dir.resolve("c.html"), List.of(a)));
    }

    @Test
    void aDirectoryThatIsNoRunIsReportedAndDamagedJsonNamesItsFile(@TempDir Path dir) throws Exception {
        assertTrue(assertThrows(ReportException.class, () -> RunData.read(dir)).getMessage()
                .contains("is not a run directory"));
        Path run = Fixtures.fceRun(dir.resolve("r"), 10, 1, 0.6, 2);
        Files.writeString(run.resolve("summary.json"), "{\"status\": ");
        String msg = assertThrows(ReportException.class, () -> RunPage.write(run)).getMessage();
        assertTrue(msg.contains("summary.json:1") && msg.contains("not valid JSON"), msg);
        assertFalse(Files.exists(run.resolve("report.html")), "nothing written on bad input");
    }

    @Test
    void numbersAreShownShort() {
        assertEquals("0.17848", Page.fmt(0.178478123));
        assertEquals("1500", Page.fmt(1500.0));
        assertEquals("-2.8316", Page.fmt(-2.8316));
        assertEquals("1.2346e-07", Page.fmt(1.23456789e-7));
        assertEquals("finished", Page.fmt("finished"));
        assertNull(RunPage.time(null));
        assertEquals("2026-11-29 23:36:44", RunPage.time("2026-11-29T23:36:44.617388465Z"));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> charts(Map<String, Object> model) {
        return (List<Map<String, Object>>) model.get("charts");
    }

    static List<Object> ids(List<Map<String, Object>> charts) {
        return charts.stream().map(c -> c.get("id")).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> runColumns(Map<String, Object> model) {
        return (Map<String, Object>) ((List<Map<String, Object>>) model.get("runs")).get(0).get("columns");
    }
}
