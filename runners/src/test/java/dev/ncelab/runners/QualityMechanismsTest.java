package dev.ncelab.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ncelab.core.eval.Evaluator;
import dev.ncelab.core.eval.ImportanceLogZ;
import dev.ncelab.core.experiment.TrainingConfig;
import dev.ncelab.core.plugin.Plugins;
import dev.ncelab.core.train.Experiment;
import dev.ncelab.core.train.TrainedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
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
        // beside the average's figures, the raw_ columns evaluate the raw parameters: at every evaluation they are
        // exactly the plain run's figures (same parameters, same held-out data, same float64 sums)
        List<String[]> plain = rows(dir, "raw");
        List<String[]> averaged = rows(dir, "ema");
        List<String> ph = Arrays.asList(plain.get(0));
        List<String> ah = Arrays.asList(averaged.get(0));
        int evaluations = 0;
        for (String key : List.of("mse_logp", "test_loglik", "log_z_quadrature")) {
            for (int i = 1; i < plain.size(); i++) {
                String want = plain.get(i)[ph.indexOf(key)];
                if (!want.isEmpty()) {
                    evaluations++;
                    assertEquals(want, averaged.get(i)[ah.indexOf("raw_" + key)], key + " at row " + i);
                    assertNotEquals(want, averaged.get(i)[ah.indexOf(key)], key + " at row " + i);
                }
            }
        }
        // an evaluation at every epoch's end (steps 100, 200, 300, 400) and every 200 steps: four, of three figures
        assertEquals(3 * 4, evaluations);
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

    /**
     * The reference's flow (5 MADE blocks of width 100) at batch 1000 for 1,000 steps. Importance sampling
     * integrates over the plane, the quadrature over [-4, 4]^2 only, and a young MLP energy keeps some mass outside
     * the box (here about 6%), so the two are compared on the same domain: the importance weights of draws outside
     * the box count as zero. Over the plane the estimate can only be the larger.
     */
    @Test
    @Tag("long")
    void importanceSampledLogZAgreesWithQuadratureAndCalibrationMovesCOntoIt(@TempDir Path dir) throws Exception {
        String[] reference = {"noise={type: maf}", "training.batch=1000", "training.epochs=50",
                "training.max_steps=1000", "logging.eval_every=500"};
        JsonNode s = run(dir, "is", reference);
        double q = s.get("log_z_quadrature").asDouble();
        double is = s.get("log_z_is").asDouble();
        double se = s.get("log_z_is_se").asDouble();
        // over the plane: not below the box's integral by more than 3 standard errors (0.1% one-sided miss rate)
        assertTrue(is > q - 3 * se, "IS " + is + " +- " + se + " vs quadrature " + q);
        ImportanceLogZ.Estimate inBox = inBox(EndToEndTest.runDir(dir.resolve("is")), 20_000);
        double c = s.get("log_z").asDouble();
        // on the box: within 3 delta-method standard errors (a 0.3% two-sided miss rate if both are right) plus the
        // midpoint rule's error on the 150 x 150 grid (the estimate moves by under 0.005 from 150 to 300 points)
        assertEquals(q, c + inBox.logZ(), 3 * inBox.standardError() + 0.005, "IS on the box " + (c + inBox.logZ())
                + " +- " + inBox.standardError() + " vs quadrature " + q);
        String[] calibrated = Arrays.copyOf(reference, reference.length + 1);
        calibrated[reference.length] = "training.calibrate_log_z=true";
        JsonNode cal = run(dir, "cal", calibrated);
        // calibration sets c to the 40,000-draw estimate of the normaliser of exp(-f); the final evaluation's
        // 4,000-draw estimate of the same quantity must agree with it within its own error
        assertTrue(Math.abs(cal.get("log_z").asDouble() - cal.get("log_z_is").asDouble())
                < 3 * cal.get("log_z_is_se").asDouble(), cal.toString());
        assertEquals(s.get("log_z").asDouble() + cal.get("log_z_shift").asDouble(), cal.get("log_z").asDouble(), 1e-6,
                "c moved by the reported shift");
    }

    /** log of the integral of exp(log p) over [-4, 4]^2 by importance sampling with the run's own proposal. */
    static ImportanceLogZ.Estimate inBox(Path runDir, int n) {
        try (TrainedRun run = TrainedRun.open(runDir, Plugins.registry(QualityMechanismsTest.class.getClassLoader()))) {
            Experiment exp = run.experiment();
            ImportanceLogZ.Proposal q = ImportanceLogZ.forModel(exp.dataset().train(), exp.noise().orElseThrow());
            ImportanceLogZ.Draws d = q.draw(exp.manager(), n, new Random(1));
            double[] logp = Evaluator.apply(exp.manager(), d.x(), exp.energy()::logDensity,
                    exp.energy().parameters());
            double[] logW = new double[n];
            for (int i = 0; i < n; i++) {
                boolean in = Math.abs(d.x().get(i, 0)) <= 4 && Math.abs(d.x().get(i, 1)) <= 4;
                logW[i] = in ? logp[i] - d.logQ()[i] : Double.NEGATIVE_INFINITY;
            }
            return ImportanceLogZ.fromLogWeights(logW);
        }
    }
}
