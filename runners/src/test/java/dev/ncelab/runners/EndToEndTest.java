package dev.ncelab.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Short fixed-seed runs through the CLI: quality bars, and every file of the run directory parses. */
class EndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Path runDir(Path output) throws Exception {
        try (Stream<Path> s = Files.walk(output, 2)) {
            return s.filter(p -> Files.exists(p.resolve("metadata.json"))).findFirst().orElseThrow();
        }
    }

    static Path experiment(Path dir, String yaml) throws Exception {
        Path f = dir.resolve("e.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    /** What is logged while the experiment is built (here the csv plugin's warning) reaches run.log too. */
    @Test
    void warningsFromBuildingTheExperimentReachRunLog(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("x;y\n");
        for (int i = 0; i < 200; i++) {
            sb.append(1 + 0.01 * (i % 9)).append(';').append(i % 13).append('\n');
        }
        sb.append("10005;4\n");
        Path csv = dir.resolve("table.csv");
        Files.writeString(csv, sb.toString());
        Path exp = experiment(dir, """
                name: log
                seed: 1
                dataset:  {type: csv, path: %s}
                energy:   {type: mlp}
                noise:    {type: gaussian}
                objective: {type: nce}
                schedule: {type: nce}
                training: {epochs: 1, batch: 50, max_steps: 5}
                logging:  {plots: false}
                """.formatted(csv));
        Cli.Result r = Cli.run("run", exp.toString(), "output=" + dir.resolve("out"), "--quiet");
        assertEquals(0, r.code(), r.err() + r.out());
        String log = Files.readString(runDir(dir.resolve("out")).resolve("run.log"));
        int warning = log.indexOf("1 suspicious cells in 1 rows");
        assertTrue(warning >= 0, log);
        assertTrue(warning < log.indexOf("run directory"), log);
    }

    /**
     * NCE on 8gaussians, batch 100, 3,000 steps with seed 42. Measured (see README): held-out mse_logp 0.17, learned
     * log Z within 0.05 of the quadrature. Bars: mse_logp below 0.35 and |log_z - log_z_quadrature| below 0.3.
     */
    @Test
    @Tag("long") // 3,000 training steps
    void nceOn8GaussiansReachesTheBarAndWritesACompleteRunDirectory(@TempDir Path dir) throws Exception {
        Path exp = experiment(dir, """
                name: e2e
                seed: 42
                dataset:  {type: 8gaussians, samples: 10000}
                energy:   {type: mlp}
                noise:    {type: gaussian, std: 2.0}
                objective: {type: nce, nu: 1}
                schedule: {type: nce}
                training: {epochs: 30, batch: 100}
                logging:  {every: 50, eval_every: 500, grid: 200}
                """);
        Cli.Result r = Cli.run("run", exp.toString(), "output=" + dir.resolve("out"), "--quiet");
        assertEquals(0, r.code(), r.err() + r.out());
        Path run = runDir(dir.resolve("out"));
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        double mse = summary.get("mse_logp").asDouble();
        double logZ = summary.get("log_z").asDouble();
        double logZq = summary.get("log_z_quadrature").asDouble();
        System.out.printf("e2e NCE: mse_logp %.4f log_z %.4f quadrature %.4f test_loglik %.4f nce_loss %.4f acc %.4f%n",
                mse, logZ, logZq, summary.get("test_loglik").asDouble(), summary.get("nce_loss").asDouble(),
                summary.get("accuracy").asDouble());
        // a bar for NCE on 8gaussians after 30 epochs: measured 0.241 with seed 42 on this tree (2026-11-30)
        assertTrue(mse < 0.35, "held-out mse_logp " + mse);
        // NCE learns c = log Z: the learned c within 0.3 of the quadrature's (measured 0.920 against 0.879)
        assertTrue(Math.abs(logZ - logZq) < 0.3, "log_z " + logZ + " vs quadrature " + logZq);
        assertEquals("finished", summary.get("status").asText());
        assertEquals(3000, summary.get("steps").asInt()); // 30 epochs x 10,000 / 100

        JsonNode meta = JSON.readTree(run.resolve("metadata.json").toFile());
        assertEquals("finished", meta.get("status").asText());
        assertEquals(42, meta.get("seed").asInt());
        assertNotNull(meta.get("versions").get("djl"));
        assertNotNull(meta.get("ended"));

        Map<String, Object> config = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(run.resolve("config.yaml")));
        assertEquals("e2e", config.get("name"));
        assertTrue(config.get("energy").toString().contains("hidden=[128, 128]"), config.toString());

        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        List<String> header = Arrays.asList(rows.get(0).split(","));
        assertTrue(header.containsAll(List.of("step", "epoch", "nce_loss", "accuracy", "log_z", "mse_logp",
                "log_z_quadrature", "test_loglik")), header.toString());
        assertEquals(3000 / 50 + 1, rows.size()); // the header and a row every 50 steps (evaluations fall on them)
        for (String row : rows.subList(1, rows.size())) {
            assertEquals(header.size(), row.split(",", -1).length, row);
            Double.parseDouble(row.split(",")[header.indexOf("nce_loss")]);
        }
        BufferedImage png = ImageIO.read(run.resolve("plots/epoch_030.png").toFile());
        assertNotNull(png);
        assertEquals(3 * 200 + 4 * 6, png.getWidth()); // three 200-pixel panels (grid 200) and four 6-pixel gaps
        assertTrue(Files.size(run.resolve("plots/training.gif")) > 10_000); // 30 frames of 624 x 200 pixels
        assertTrue(Files.size(run.resolve("checkpoints/last.ckpt")) > 17_026 * 4); // 17,026 float32 parameters
        assertTrue(Files.readString(run.resolve("run.log")).contains("run directory"));
        assertTrue(r.out().contains("run directory: " + run), r.out());
    }

    /**
     * FCE is chaotic: a last-bit difference early on gives a different run. Two runs in this JVM (so with
     * different memory alignment) and one in a child JVM must agree exactly for one seed, and differ for another.
     */
    @Test
    @Tag("long") // four FCE-MAF runs of 400 steps, one in a child JVM
    void theSameSeedGivesTheSameNumbers(@TempDir Path dir) throws Exception {
        Path exp = experiment(dir, """
                dataset:  {type: rings, samples: 20000}
                energy:   {type: mlp}
                noise:    {type: maf}
                objective: {type: nce}
                schedule: {type: fce}
                training: {epochs: 1, batch: 500, max_steps: 400}
                logging:  {every: 10, eval_every: 100, plots: false}
                """);
        String[] metrics = new String[4];
        for (int i = 0; i < 4; i++) {
            Path out = dir.resolve("out" + i);
            String seed = "seed=" + (i < 3 ? 7 : 8);
            if (i == 2) {
                Process child = SurvivalTest.launch(dir, "run", exp.toString(), "output=" + out, "--quiet", seed);
                Await.until("the child run's end", () -> !child.isAlive());
                assertEquals(0, child.exitValue(), Files.readString(dir.resolve("child.log")));
            } else {
                Cli.Result r = Cli.run("run", exp.toString(), "output=" + out, "--quiet", seed);
                assertEquals(0, r.code(), r.err());
            }
            metrics[i] = withoutSeconds(Files.readAllLines(runDir(out).resolve("metrics.csv")));
        }
        assertEquals(metrics[0], metrics[1], "two runs in one JVM");
        assertEquals(metrics[0], metrics[2], "a run in this JVM and one in another process");
        assertTrue(!metrics[0].equals(metrics[3]), "another seed gave the same numbers");
    }

    static String withoutSeconds(List<String> rows) {
        int col = Arrays.asList(rows.get(0).split(",")).indexOf("seconds");
        StringBuilder sb = new StringBuilder();
        for (String row : rows) {
            String[] cells = row.split(",", -1);
            cells[col] = "";
            sb.append(String.join(",", cells)).append('\n');
        }
        return sb.toString();
    }
}
