package dev.ncelab.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import dev.ncelab.core.experiment.ExperimentConfig;
import dev.ncelab.core.run.RunStatus;
import dev.ncelab.core.train.EvaluationThreads;
import dev.ncelab.core.train.Run;
import dev.ncelab.core.train.Trainer;
import dev.ncelab.core.train.listen.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Evaluations, the raw figures beside an EMA and the log Z calibration on two engine threads give the very numbers
 * they give on one (MKL's strict reproducible mode, set for the tests in the pom as the launcher sets it), and the
 * training steps between them stay on {@code training.threads}.
 */
class EvaluationThreadsTest {
    static ExperimentConfig config(String flow, Path out) {
        return SameNumbersInOneJvmTest.config(flow, "training.max_steps=60", "training.ema=0.99",
                "training.calibrate_log_z=true", "logging.every=10", "logging.eval_every=20", "output=" + out);
    }

    private static List<String> metricsWithoutSeconds(ExperimentConfig cfg, EvaluationThreads threads, Path dir)
            throws Exception {
        Trainer.Result r = Run.start(cfg, FceTest.REGISTRY, new Run.Options(List.of(), null, List.of(),
                Progress.QUIET, new AtomicBoolean(), d -> { }, threads), dir);
        assertEquals(RunStatus.FINISHED, r.status(), r.summary().toString());
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("metrics.csv"))) {
            rows.add(line.substring(0, line.lastIndexOf(','))); // the last column is the wall-clock seconds
        }
        return rows;
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void twoEvaluationThreadsGiveTheNumbersOfOne(String flow, @TempDir Path dir) throws Exception {
        ExperimentConfig cfg = config(flow, dir);
        EngineLoader.prepare(1);
        List<String> one = metricsWithoutSeconds(cfg, EvaluationThreads.SAME, dir.resolve("one"));
        List<Integer> seen = new ArrayList<>();
        EvaluationThreads two = new EvaluationThreads(2, n -> {
            JniUtils.setNumThreads(n);
            seen.add(JniUtils.getNumThreads());
        });
        List<String> wide = metricsWithoutSeconds(cfg, two, dir.resolve("two"));
        assertTrue(seen.contains(2), "the engine never ran on 2 threads: " + seen);
        assertEquals(1, seen.get(seen.size() - 1), "training threads not restored after the last evaluation");
        assertEquals(1, JniUtils.getNumThreads());
        // rows with figures: steps 20, 40 and 60 carry the evaluation, the raw figures and (60) the calibrated c
        assertTrue(one.stream().filter(l -> l.contains(",,")).count() < one.size());
        assertEquals(one, wide);
    }
}
