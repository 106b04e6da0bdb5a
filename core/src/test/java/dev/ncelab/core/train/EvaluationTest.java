package dev.ncelab.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.train.listen.Evaluation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The evaluation listener reports exactly the columns it declares, and the evaluator's figures are right. */
class EvaluationTest {
    static Map<String, Object> evaluate(Experiment exp, Evaluation l) {
        StepEvent e = Recorder.event(7, Map.of(), true, false, 100);
        assertTrue(e.evaluate());
        l.onStep(new Recorder.Fake(exp, null), e);
        return e.extra();
    }

    void columnsMatch(List<String> expected, String... overrides) {
        try (Experiment exp = Toy.build(overrides)) {
            Evaluation l = new Evaluation(exp);
            assertEquals(expected, l.columns(), List.of(overrides).toString());
            Map<String, Object> figures = evaluate(exp, l);
            assertEquals(expected, new ArrayList<>(figures.keySet()), List.of(overrides).toString());
            figures.forEach((k, v) -> assertTrue(Double.isFinite((Double) v), k + " = " + v));
            StepEvent quiet = Recorder.event(8, Map.of(), false, false, 100);
            l.onStep(new Recorder.Fake(exp, null), quiet);
            assertEquals(Map.of(), quiet.extra(), "no evaluation between eval_every steps");
        }
    }

    @Test
    void twoDimensionsWithATrueDensity() {
        columnsMatch(List.of("mse_logp", "log_z_quadrature", "test_loglik"), "dataset.density=true");
    }

    @Test
    void twoDimensionsWithoutATrueDensity() {
        columnsMatch(List.of("log_z_quadrature", "test_loglik"));
    }

    @Test
    void twoDimensionsWithATrainableNoise() {
        // with a flow, the importance-sampled log Z (the flow as proposal) is reported beside the quadrature
        columnsMatch(List.of("mse_logp", "log_z_quadrature", "test_loglik", "log_z_is", "log_z_is_se", "is_ess",
                "flow_test_loglik"),
                "dataset.density=true", "noise.trainable=true");
    }

    @Test
    void densityOnlyFiguresEqualTheFullEvaluationsAndSkipTheRest() {
        // the raw figures beside an EMA's: the same numbers for the keys they keep, without the importance
        // sampling and the flow's log-likelihood (2-D: the grid gives log Z); without a grid the test
        // log-likelihood still needs the importance-sampled log Z, so it is computed but not reported
        for (String[] o : List.of(new String[] {"dataset.density=true", "noise.trainable=true"},
                new String[] {"dataset.dim=5", "dataset.rows=400", "dataset.density=true", "noise.trainable=true"})) {
            try (Experiment exp = Toy.build(o)) {
                dev.ncelab.core.eval.Evaluator ev = new dev.ncelab.core.eval.Evaluator(exp.dataset(),
                        exp.config().logging().grid());
                Map<String, Double> full = ev.evaluate(exp.manager(), exp.energy(), exp.noise(), false, false);
                Map<String, Double> density = ev.evaluate(exp.manager(), exp.energy(), exp.noise(), false, true);
                List<String> kept = new ArrayList<>(full.keySet());
                kept.retainAll(List.of("log_z", "mse_logp", "log_z_quadrature", "test_loglik"));
                assertEquals(kept, new ArrayList<>(density.keySet()), List.of(o).toString());
                kept.forEach(k -> assertEquals(full.get(k), density.get(k), k));
            }
        }
    }

    @Test
    void fiveDimensionsWithoutABoxGetImportanceSampledFigures() {
        columnsMatch(List.of("log_z_is", "log_z_is_se", "is_ess", "test_loglik"), "dataset.dim=5",
                "dataset.rows=400");
        columnsMatch(List.of("mse_logp", "log_z_is", "log_z_is_se", "is_ess", "test_loglik", "flow_test_loglik"),
                "dataset.dim=5", "dataset.rows=400", "dataset.density=true", "noise.trainable=true");
    }

    static double meanTrueLogDensity(Experiment exp) {
        Matrix held = exp.dataset().heldOut();
        double[] t = exp.dataset().trueDensity().orElseThrow().logDensity(held);
        double s = 0;
        for (double v : t) {
            s += v;
        }
        return s / t.length;
    }

    @Test
    void anExactModelScoresZeroErrorAndItsOwnNormaliser() {
        double log2pi = Math.log(2 * Math.PI);
        // the energy exp(-|x|^2/2 - c) with c = log 2 pi is N(0, I) in 2-D exactly
        try (Experiment exp = Toy.build("dataset.density=true", "energy.a=1", "energy.c=" + log2pi,
                "logging.grid=300")) {
            Map<String, Object> f = evaluate(exp, new Evaluation(exp));
            // float32 log-densities of size ~5: squared error of order (5 * 6e-8)^2
            assertEquals(0, (Double) f.get("mse_logp"), 1e-10);
            // the box [-4, 4]^2 holds all but 1.3e-4 of N(0, I)'s mass (2 x 2 x 3.2e-5 tails), and the 300-point
            // midpoint rule errs by about h^2/24 = 3e-5 relatively: log 2 pi within 1e-3
            assertEquals(log2pi, (Double) f.get("log_z_quadrature"), 1e-3);
            assertEquals(meanTrueLogDensity(exp), (Double) f.get("test_loglik"), 1e-3); // the same quadrature error
        }
        // 5-D: importance sampling with ImportanceLogZ.forModel (half a kernel density on the 2,000 rows, half their
        // Gaussian widened 1.5 times); log Z = 2.5 log 2 pi
        try (Experiment exp = Toy.build("dataset.dim=5", "dataset.rows=2000", "dataset.density=true", "energy.a=1",
                "energy.c=" + 2.5 * log2pi)) {
            Map<String, Object> f = evaluate(exp, new Evaluation(exp));
            double se = (Double) f.get("log_z_is_se");
            // a reasonable proposal: measured se 0.0107 with 4,000 draws (the plain fitted Gaussian gave 0.0012 with
            // 10,000: the defensive mixture trades variance here for safety in the tails of a learned model); 0.05
            // is about 5 times the measured value
            assertTrue(se > 0 && se < 0.05, "standard error " + se);
            // five of the estimator's own standard errors (normal approximation: 6e-7 false alarms)
            assertEquals(2.5 * log2pi, (Double) f.get("log_z_is"), 5 * se + 1e-4);
            assertEquals(meanTrueLogDensity(exp), (Double) f.get("test_loglik"), 5 * se + 1e-4);
            assertEquals(0, (Double) f.get("mse_logp"), 1e-9); // float32 log-densities of size ~10
        }
    }

    @Test
    void theSummaryGetsTheLastEvaluationOrAFinalOne() {
        try (Experiment exp = Toy.build("dataset.density=true")) {
            Evaluation l = new Evaluation(exp);
            Map<String, Object> summary = new LinkedHashMap<>();
            l.onEnd(new Recorder.Fake(exp, null), summary); // never evaluated during training
            assertEquals(List.of("log_z", "mse_logp", "log_z_quadrature", "test_loglik"),
                    new ArrayList<>(summary.keySet()));
        }
    }
}
