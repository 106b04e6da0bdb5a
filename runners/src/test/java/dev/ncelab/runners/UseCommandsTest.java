package dev.ncelab.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sample}, {@code impute} and {@code score} on a run trained once on a small generated table: a ~ N(0, 1),
 * b = 2a + N(0, 0.3^2), n = round(a + 3) clipped to 0..6 (an integer column, dequantised). Happy paths, bad inputs,
 * and a run directory that stays unchanged outside {@code uses/}.
 */
class UseCommandsTest {
    @TempDir
    static Path dir;
    static Path run;
    static Path toyRun;

    @BeforeAll
    static void train() throws Exception {
        Random r = new Random(3);
        StringBuilder sb = new StringBuilder("a;b;n\n");
        for (int i = 0; i < 500; i++) {
            double a = r.nextGaussian();
            sb.append(String.format(java.util.Locale.ROOT, "%.4f;%.4f;%d%n", a, 2 * a + 0.3 * r.nextGaussian(),
                    Math.max(0, Math.min(6, Math.round(a + 3)))));
        }
        Path csv = dir.resolve("table.csv");
        Files.writeString(csv, sb.toString());
        Path exp = EndToEndTest.experiment(dir, """
                name: table
                seed: 5
                dataset:  {type: csv, path: %s, dequantize: [n]}
                energy:   {type: mlp, hidden: [64, 64], log_z_init: 3.0}
                noise:    {type: gaussian}
                objective: {type: nce, nu: 4}
                schedule: {type: nce}
                training: {epochs: 200, batch: 100, max_steps: 800}
                logging:  {plots: false, every: 100, eval_every: 400}
                """.formatted(csv));
        Cli.Result res = Cli.run("run", exp.toString(), "output=" + dir.resolve("out"), "--quiet");
        assertEquals(0, res.code(), res.err());
        run = EndToEndTest.runDir(dir.resolve("out"));
        Path toy = EndToEndTest.experiment(dir.resolve("toy-exp").toFile().mkdirs() ? dir.resolve("toy-exp")
                : dir.resolve("toy-exp"), """
                name: toy
                seed: 5
                dataset:  {type: 8gaussians, samples: 2000, held_out: 500}
                energy:   {type: mlp, hidden: [32, 32]}
                noise:    {type: gaussian, std: 2.0}
                objective: {type: nce}
                schedule: {type: nce}
                training: {epochs: 5, batch: 100, max_steps: 60}
                logging:  {plots: false}
                """);
        res = Cli.run("run", toy.toString(), "output=" + dir.resolve("toy"), "--quiet");
        assertEquals(0, res.code(), res.err());
        toyRun = EndToEndTest.runDir(dir.resolve("toy"));
    }

    private static Path rows(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static List<String[]> csv(Path file, String sep) throws Exception {
        return Files.readAllLines(file).stream().skip(1).map(l -> l.split(sep, -1)).toList();
    }

    private static Path printed(Cli.Result r, String label) {
        Matcher m = Pattern.compile(label + ": (\\S+)").matcher(r.out());
        assertTrue(m.find(), "no '" + label + ":' in " + r.out());
        return Path.of(m.group(1));
    }

    /** Digest of every file of the run outside uses/. */
    private static Map<String, String> digest(Path runDir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(runDir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = runDir.relativize(p).toString();
                if (!rel.startsWith("uses")) {
                    out.put(rel, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(Files.readAllBytes(p))));
                }
            }
        }
        return out;
    }

    @Test
    void scoreRanksATypicalRowAboveAnOutlierAndWarnsAboutIt() throws Exception {
        Path in = rows("score.csv", "n;a;b\n3;0.1;0.2\n5;40;80\n");
        Cli.Result r = Cli.run("score", run.toString(), "--input", in.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("log Z = ") && r.out().contains("importance sampling"), r.out());
        assertTrue(r.err().contains("score.csv:3: column 'a' = 40 is far outside the training range"), r.err());
        List<String[]> out = csv(printed(r, "scores"), ",");
        assertEquals(2, out.size());
        double typical = Double.parseDouble(out.get(0)[4]);
        double outlier = Double.parseDouble(out.get(1)[4]);
        // a row at the centre of the data sits in the bulk of the training rows' log densities, a row 40 sd out
        // below every training row (percentile 0)
        assertTrue(typical > 10, "percentile of the typical row " + typical);
        assertEquals(0, outlier, "percentile of the outlier");
        assertTrue(Double.parseDouble(out.get(0)[2]) > Double.parseDouble(out.get(1)[2]) + 10, "log densities");
    }

    @Test
    void scoreHeldOutComparesWithTheGaussian() throws Exception {
        Path json = dir.resolve("heldout.json");
        Cli.Result r = Cli.run("score", run.toString(), "--heldout", "--is-samples", "5000", "--output",
                json.toString());
        assertEquals(0, r.code(), r.err());
        var node = EndToEndTest.JSON.readTree(json.toFile());
        double ebm = node.get("ebm_test_loglik").asDouble();
        double gauss = node.get("gaussian_test_loglik").asDouble();
        // the table is close to a 3-D Gaussian except for the integer column; the EBM may be a little worse or
        // better, but a wrong log Z (or a sign error) would put it several nats away
        System.out.printf("[use] score --heldout: EBM %.3f, Gaussian %.3f, ESS %.0f%n", ebm, gauss,
                node.get("ess").asDouble());
        assertTrue(Math.abs(ebm - gauss) < 1.5, "EBM " + ebm + " vs Gaussian " + gauss);
        assertTrue(node.get("ess").asDouble() > 50, "ESS " + node.get("ess"));
    }

    @Test
    void scoreRefusesBadInput() throws Exception {
        Cli.Result r = Cli.run("score", run.toString(), "--input", rows("missing.csv", "a;b\n1;2\n").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing: n"), r.err());
        r = Cli.run("score", run.toString(), "--input", rows("extra.csv", "a;b;n;z\n1;2;3;4\n").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("extra: z"), r.err());
        r = Cli.run("score", run.toString(), "--input", rows("text.csv", "a;b;n\n1;2;3\n1;abc;3\n").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("text.csv:3: column 'b': 'abc' is not a number"), r.err());
        r = Cli.run("score", run.toString(), "--input", rows("blank.csv", "a;b;n\n1;;3\n").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("blank.csv:2: column 'b' is missing"), r.err());
        r = Cli.run("score", run.toString(), "--input", rows("comma.csv", "a,b,n\n1,2,3\n").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("separated by ';'"), r.err());
        Path empty = dir.resolve("no-checkpoint");
        Files.createDirectories(empty);
        Files.copy(run.resolve("config.yaml"), empty.resolve("config.yaml"));
        r = Cli.run("score", empty.toString(), "--heldout");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("has no checkpoint"), r.err());
        r = Cli.run("score", dir.resolve("nowhere").toString(), "--heldout");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is not a directory"), r.err());
    }

    @Test
    void imputeFillsTheBlankIntegerCellFromTheOtherColumns() throws Exception {
        Path in = rows("impute.csv", "a;b;n\n-1.8;-3.6;\n0;0;\n1.8;3.6;\n");
        Cli.Result r = Cli.run("impute", run.toString(), "--input", in.toString());
        assertEquals(0, r.code(), r.err());
        List<String[]> out = csv(printed(r, "rows \\(conditional\\)"), ";");
        assertEquals(3, out.size());
        double low = Double.parseDouble(out.get(0)[2]);
        double high = Double.parseDouble(out.get(2)[2]);
        for (String[] row : out) {
            double n = Double.parseDouble(row[2]);
            assertEquals(Math.rint(n), n, "integer column rounded");
            assertTrue(n >= 0 && n <= 6, "clipped to the training range: " + n);
            assertEquals("n", row[3], "the imputed cells are named");
        }
        // n = round(a + 3): about 1 at a = -1.8 and about 5 at a = 1.8; the mean imputation would give 3 to both
        assertTrue(low <= 2 && high >= 4, "imputed n " + low + " and " + high);
        assertEquals("-1.8", out.get(0)[0], "given cells are kept");
    }

    @Test
    void imputeSeveralCellsWithDescentAndLangevin() throws Exception {
        Path in = rows("two.csv", "a;b;n\n1.5;;\n-1.5;;\n");
        Cli.Result r = Cli.run("impute", run.toString(), "--input", in.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("two.csv:2: 2 missing cells") && r.err().contains("--method langevin"), r.err());
        for (String method : List.of("descent", "langevin")) {
            r = Cli.run("impute", run.toString(), "--input", in.toString(), "--method", method, "--steps", "100",
                    "--draws", "8");
            assertEquals(0, r.code(), r.err());
            List<String[]> out = csv(printed(r, "rows \\(" + method + "\\)"), ";");
            double b1 = Double.parseDouble(out.get(0)[1]);
            double b2 = Double.parseDouble(out.get(1)[1]);
            // b = 2a: the row with a = 1.5 gets a larger b than the row with a = -1.5 (3 against -3 in the data)
            assertTrue(b1 > b2 + 1, method + ": imputed b " + b1 + " and " + b2);
            assertEquals("b|n", out.get(0)[3]);
        }
        r = Cli.run("impute", run.toString(), "--input", in.toString(), "--columns", "q");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown column 'q'"), r.err());
        r = Cli.run("impute", run.toString());
        assertEquals(2, r.code());
    }

    @Test
    void imputeEvaluateBeatsTheMeanOnTheIntegerColumn() throws Exception {
        Cli.Result r = Cli.run("impute", run.toString(), "--evaluate", "n");
        assertEquals(0, r.code(), r.err());
        double ebm = rmse(r.out(), "EBM conditional");
        double mean = rmse(r.out(), "mean imputation");
        double reg = rmse(r.out(), "linear regression");
        // theory: mean imputation errs by sd(n) ~ 1; n is a rounded linear function of a, so the regression gets
        // about the rounding error (0.3-0.5); the EBM must at least halve the mean imputation's error
        System.out.printf("[use] impute --evaluate n: RMSE EBM %.3f, mean %.3f, regression %.3f%n", ebm, mean, reg);
        assertTrue(ebm < 0.5 * mean, "EBM " + ebm + " vs mean " + mean);
        assertTrue(reg < 0.6 * mean, "regression " + reg + " vs mean " + mean);
        assertTrue(r.out().contains("exact match"), r.out());
        r = Cli.run("impute", run.toString(), "--evaluate", "nn");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown column 'nn'") && r.err().contains("did you mean"), r.err());
    }

    private static double rmse(String out, String method) {
        Matcher m = Pattern.compile(Pattern.quote(method) + "\\s+([0-9.]+)").matcher(out);
        assertTrue(m.find(), method + " in " + out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void sampleWritesRowsInFileUnitsAndRefusesFlowWithoutAFlow() throws Exception {
        Cli.Result r = Cli.run("sample", run.toString(), "-n", "40", "--steps", "30", "--init", "uniform");
        assertEquals(0, r.code(), r.err());
        List<String[]> out = csv(printed(r, "samples"), ";");
        assertEquals(40, out.size());
        for (String[] row : out) {
            assertEquals(3, row.length);
            double n = Double.parseDouble(row[2]);
            assertEquals(Math.rint(n), n, "integer column rounded: " + n);
        }
        r = Cli.run("sample", run.toString(), "--flow");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--flow needs a run with a trained flow"), r.err());
        r = Cli.run("sample", run.toString(), "--step-size", "-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("step_size"), r.err());
    }

    @Test
    void sampleOn8gaussiansDrawsAPictureAndReportsModeCoverage() throws Exception {
        Cli.Result r = Cli.run("sample", toyRun.toString(), "-n", "300", "--steps", "50");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(printed(r, "picture")) > 1000);
        assertTrue(r.out().contains("8gaussians sample quality: "), r.out());
        Matcher m = Pattern.compile("training data: ([0-9.]+)% ").matcher(r.out());
        assertTrue(m.find(), r.out());
        // theory: within 3 sd of its mode a 2-D Gaussian point lies with probability 1 - e^-4.5 = 0.989
        assertEquals(98.9, Double.parseDouble(m.group(1)), 1.5);
    }

    @Test
    void modeCoverageCountsModesAndEvenness() {
        float[] even = new float[16];
        float[] one = new float[16];
        double rad = 2 * Math.sqrt(2);
        for (int k = 0; k < 8; k++) {
            even[2 * k] = (float) (rad * Math.cos(k * Math.PI / 4));
            even[2 * k + 1] = (float) (rad * Math.sin(k * Math.PI / 4));
            one[2 * k] = (float) rad;
            one[2 * k + 1] = k == 7 ? 0f : 0.1f;
        }
        var e = SampleCommand.ModeCoverage.of(even);
        assertEquals(1.0, e.within());
        assertEquals(1.0, e.evenness(), 1e-12);
        var o = SampleCommand.ModeCoverage.of(one);
        assertEquals(0.0, o.evenness(), 1e-12);
        float[] far = {0f, 0f, 10f, 10f};
        assertEquals(0.0, SampleCommand.ModeCoverage.of(far).within());
    }

    @Test
    void theRunDirectoryChangesOnlyUnderUses() throws Exception {
        Map<String, String> before = digest(run);
        Path in = rows("u.csv", "a;b;n\n0.5;1;\n");
        assertEquals(0, Cli.run("impute", run.toString(), "--input", in.toString()).code());
        assertEquals(0, Cli.run("sample", run.toString(), "-n", "5", "--steps", "5").code());
        Cli.Result r = Cli.run("score", run.toString(), "--input", rows("s.csv", "a;b;n\n0.5;1;3\n").toString(),
                "--output", run.resolve("metrics.csv").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("inside the run directory"), r.err());
        assertEquals(before, digest(run));
        assertTrue(Files.isDirectory(run.resolve("uses")));
        assertFalse(before.keySet().stream().anyMatch(k -> k.startsWith("uses")));
        assertTrue(new String(Files.readAllBytes(run.resolve("config.yaml")), StandardCharsets.UTF_8)
                .contains("table"));
    }
}
