package dev.ncelab.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ncelab.core.experiment.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The estimation-quality mechanisms on short fixed-seed runs: the EMA of the EBM is what is evaluated, a
 * learning-rate schedule changes the rate as configured, the importance-sampled log Z agrees with the quadrature,
 * and calibration moves c onto it.
 */
class QualityMechanismsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String FCE = """
            name: mech
            seed: 3
            dataset:  {type: 8gaussians, samples: 20000}
            energy:   {type: mlp, hidden: [64, 64]}
            noise:    {type: maf, blocks: 2, hidden: 32}
            objective: {type: nce}
            schedule: {type: fce}
            training: {epochs: 10, batch: 200, max_steps: 400}
            logging:  {every: 20, eval_every: 200, grid: 150, plots: false}
            """;

    static JsonNode run(Path dir, String name, String... overrides) throws Exception {
        Path exp = EndToEndTest.experiment(dir, FCE);
        List<String> args = new java.util.ArrayList<>(List.of("run", exp.toString(), "output=" + dir.resolve(name),
                "--quiet"));
        args.addAll(Arrays.asList(overrides));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(EndToEndTest.runDir(dir.resolve(name)).resolve("summary.json").toFile());
    }

    static List<String[]> rows(Path dir, String name) throws Exception {
        return Files.readAllLines(EndToEndTest.runDir(dir.resolve(name)).resolve("metrics.csv")).stream()
                .map(l -> l.split(",", -1)).toList();
    }

    @Test
    void theEmaModelIsTheOneEvaluatedAndDiffersFromTheRawOne(@TempDir Path dir) throws Exception {
        JsonNode raw = run(dir, "raw");
        JsonNode ema = run(dir, "ema", "training.ema=0.99");
        // the same seed trains the same raw parameters (the EMA only observes), so any difference in the held-out
        // figures comes from evaluating the average instead
        assertEquals(raw.get("nce_loss").asDouble(), ema.get("nce_loss").asDouble(), 0.0);
        assertNotEquals(raw.get("mse_logp").asDouble(), ema.get("mse_logp").asDouble());
        assertNotEquals(raw.get("log_z").asDouble(), ema.get("log_z").asDouble());
    }

    @Test
    void aCosineScheduleSetsEachStepsRate(@TempDir Path dir) throws Exception {
        run(dir, "cos", "training.lr_schedule={shape: cosine, warmup: 50, min_factor: 0.1}");
        List<String[]> rows = rows(dir, "cos");
        List<String> header = Arrays.asList(rows.get(0));
        int step = header.indexOf("step");
        int lr = header.indexOf("lr_energy");
        TrainingConfig.LrSchedule s = new TrainingConfig.LrSchedule(TrainingConfig.LrSchedule.Shape.COSINE, 50, 0.1,
                10000, 0.5, List.of("energy", "noise"));
        for (String[] r : rows.subList(1, rows.size())) {
            long k = Long.parseLong(r[step]);
            // the row's rate is the one step k trained with (0-based step k - 1); the CSV keeps 6 significant digits
            assertEquals(1.0e-3 * s.factor(k - 1, 400), Double.parseDouble(r[lr]), 1e-8, "step " + k);
        }
    }

    @Test
    void importanceSampledLogZAgreesWithQuadratureAndCalibrationMovesCOntoIt(@TempDir Path dir) throws Exception {
        JsonNode s = run(dir, "is");
        double q = s.get("log_z_quadrature").asDouble();
        double is = s.get("log_z_is").asDouble();
        double se = s.get("log_z_is_se").asDouble();
        // the delta-method standard error: agreement within 3 of them (a 0.3% two-sided miss rate if it is right)
        // plus the quadrature's own error on a 150x150 grid (below 0.005 for these smooth densities)
        assertTrue(Math.abs(is - q) < 3 * se + 0.005, "IS " + is + " +- " + se + " vs quadrature " + q);
        JsonNode cal = run(dir, "cal", "training.calibrate_log_z=true");
        // after calibration c is the normaliser: log_z and the quadrature agree up to the IS error of the shift
        assertTrue(Math.abs(cal.get("log_z").asDouble() - cal.get("log_z_quadrature").asDouble()) < 3 * se + 0.005,
                cal.toString());
        assertTrue(cal.has("log_z_shift"), cal.toString());
    }
}
