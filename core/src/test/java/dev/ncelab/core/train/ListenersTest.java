package dev.ncelab.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.run.RunStatus;
import dev.ncelab.core.train.listen.Limits;
import dev.ncelab.core.train.listen.MetricRows;
import dev.ncelab.core.train.listen.RunSummary;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each listener on its own, fed step events by hand (the checkpoints by the driver). */
class ListenersTest {
    @TempDir
    Path tmp;

    @Test
    void aStopRequestMarksTheStepLastAndTheRunInterrupted() {
        try (Experiment exp = Toy.build()) {
            AtomicBoolean flag = new AtomicBoolean();
            TrainingListener l = Limits.stopRequest(flag);
            Recorder.Fake t = new Recorder.Fake(exp, null);
            StepEvent e = Recorder.event(4, Map.of(), false, false, 100);
            l.onStep(t, e);
            assertFalse(e.last());
            assertEquals(RunStatus.FINISHED, t.status);
            flag.set(true);
            l.onStep(t, e);
            assertTrue(e.last());
            assertEquals(RunStatus.INTERRUPTED, t.status);
            assertEquals("interrupted at step 4", t.message);
            Recorder.Fake atBudget = new Recorder.Fake(exp, null);
            l.onStep(atBudget, Recorder.event(9, Map.of(), false, true, 100));
            assertEquals(RunStatus.FINISHED, atBudget.status, "a request at the budget's last step changes nothing");
        }
    }

    @Test
    void theTimeLimitEndsTheRunAsFinishedAtTheFirstStepPastIt() {
        try (Experiment exp = Toy.build()) {
            Recorder.Fake t = new Recorder.Fake(exp, null);
            TrainingListener l = Limits.timeLimit(2.0);
            t.state.seconds = 1.999;
            StepEvent before = Recorder.event(5, Map.of(), false, false, 100);
            l.onStep(t, before);
            assertFalse(before.last());
            t.state.seconds = 2.0;
            StepEvent at = Recorder.event(6, Map.of(), false, false, 100);
            l.onStep(t, at);
            assertTrue(at.last());
            assertEquals(RunStatus.FINISHED, t.status);
            t.state.seconds = 1e9;
            StepEvent none = Recorder.event(7, Map.of(), false, false, 100);
            Limits.timeLimit(null).onStep(t, none);
            assertFalse(none.last(), "no limit configured");
        }
    }

    @Test
    void divergenceNeedsMaxNonfiniteSkippedStepsInARow() {
        try (Experiment exp = Toy.build()) {
            Recorder.Fake t = new Recorder.Fake(exp, null);
            TrainingListener l = Limits.divergence(3);
            for (int bad = 0; bad < 3; bad++) {
                t.state.consecutiveNonfinite = bad;
                StepEvent e = new StepEvent(10 + bad, 1, "energy", Map.of(), bad == 0 ? null : "loss was NaN", false,
                        false, 100);
                l.onStep(t, e);
                assertFalse(e.last(), bad + " in a row");
                assertEquals(RunStatus.FINISHED, t.status);
            }
            t.state.consecutiveNonfinite = 3;
            StepEvent e = new StepEvent(13, 1, "energy", Map.of(), "the objective's loss was NaN", false, false, 100);
            l.onStep(t, e);
            assertTrue(e.last());
            assertEquals(RunStatus.DIVERGED, t.status);
            assertEquals("diverged at step 13: the objective's loss was NaN, non-finite for 3 steps in a row (from "
                    + "step 11); the last good checkpoint is kept", t.message);
        }
    }

    @Test
    void metricRowsComeEveryNStepsAndAtEvaluationsWithTheExtras() {
        try (Experiment exp = Toy.build()) {
            TrainerTest.Rows rows = new TrainerTest.Rows();
            MetricRows l = new MetricRows(3, List.of(rows));
            Recorder.Fake t = new Recorder.Fake(exp, null);
            t.state.playerSteps.put("energy", 7L);
            t.state.nonfinite = 2;
            t.state.seconds = 1.5;
            for (long s = 1; s <= 10; s++) {
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("toy_loss", (double) s);
                m.put("toy_c", s == 5 ? Double.NaN : 0.25);
                // eval_every 5; step 7 ends an epoch; step 10 is the last
                StepEvent e = Recorder.event(s, m, s == 7, s == 10, 5);
                if (e.evaluate()) {
                    e.extra().put("mse_logp", 0.5 * s);
                }
                l.onStep(t, e);
            }
            assertEquals(List.of(3L, 5L, 6L, 7L, 9L, 10L), rows.rows.stream().map(r -> (Long) r.get("step")).toList());
            Map<String, Object> five = rows.rows.get(1);
            assertEquals(2.5, five.get("mse_logp"));
            assertNull(five.get("toy_c"), "NaN is written as an empty cell");
            assertTrue(five.containsKey("toy_c"));
            assertEquals(5.0, five.get("toy_loss"));
            assertEquals(1.0, five.get("log_z")); // the toy energy's c starts at 1
            assertEquals(1.0, five.get("energy_fraction"));
            assertEquals(2L, five.get("nonfinite_steps"));
            assertEquals(1.5, five.get("seconds"));
            assertEquals("energy", five.get("trained"));
            assertFalse(rows.rows.get(0).containsKey("mse_logp"), "step 3 is not an evaluation");
            assertTrue(l.columns().containsAll(List.of("log_z", "energy_fraction", "nonfinite_steps", "seconds")));
        }
    }

    @Test
    void theSummaryAveragesTheLastHundredCompletedStepsIgnoringNaN() {
        try (Experiment exp = Toy.build()) {
            RunSummary l = new RunSummary();
            Recorder.Fake t = new Recorder.Fake(exp, null);
            for (long s = 1; s <= 150; s++) {
                boolean skipped = s >= 120 && s <= 124;
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("toy_loss", (double) s);
                m.put("toy_c", s % 10 == 0 ? Double.NaN : s);
                l.onStep(t, skipped ? new StepEvent(s, 1, "energy", Map.of(), "NaN", false, false, 100)
                        : Recorder.event(s, m, false, s == 150, 100));
            }
            t.state.playerSteps.put("energy", 100L);
            t.state.playerSteps.put("noise", 45L);
            t.state.nonfinite = 5;
            Map<String, Object> summary = new LinkedHashMap<>();
            l.onEnd(t, summary);
            // the last 100 completed steps are 46..150 without 120..124: (sum 46..150 - sum 120..124) / 100
            assertEquals((10290.0 - 610.0) / 100, (Double) summary.get("toy_loss"), 1e-9); // double rounding only
            // without the NaN at 50, 60, ..., 150 (120 was skipped): (9680 - 980) / 90
            assertEquals(8700.0 / 90, (Double) summary.get("toy_c"), 1e-9);
            assertEquals(100L, summary.get("energy_steps"));
            assertEquals(45L, summary.get("noise_steps"));
            assertEquals(100.0 / 145, (Double) summary.get("energy_fraction"), 1e-12);
            assertEquals(5L, summary.get("nonfinite_steps"));
            assertEquals(1.0, (Double) summary.get("log_z"), 1e-7); // c starts at 1.0f
        }
    }

    @Test
    void aSummaryOfNothingButNaNIsNull() {
        try (Experiment exp = Toy.build()) {
            RunSummary l = new RunSummary();
            Recorder.Fake t = new Recorder.Fake(exp, null);
            l.onStep(t, Recorder.event(1, Map.of("toy_loss", Double.NaN, "toy_c", 1.0), false, true, 100));
            Map<String, Object> summary = new LinkedHashMap<>();
            l.onEnd(t, summary);
            assertTrue(summary.containsKey("toy_loss"));
            assertNull(summary.get("toy_loss"), "JSON has no NaN");
            assertEquals(1.0, summary.get("toy_c"));
        }
    }

    /** After each step: the step the checkpoint on disk was taken at (0: none yet). */
    static final class CheckpointSpy implements TrainingListener {
        final List<Long> seen = new ArrayList<>();

        @Override
        public void onStep(Training t, StepEvent e) {
            Path f = t.directory().checkpoint();
            if (!Files.exists(f)) {
                seen.add(0L);
                return;
            }
            try (DataInputStream in = new DataInputStream(Files.newInputStream(f))) {
                in.readInt();
                in.readInt();
                seen.add(in.readLong());
            } catch (java.io.IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        }
    }

    List<Long> checkpoints(int every, String... overrides) throws Exception {
        try (Experiment exp = Toy.build(overrides)) {
            CheckpointSpy spy = new CheckpointSpy();
            Path dir = Files.createTempDirectory(tmp, "run");
            new Trainer(exp, Toy.directory(dir), List.of(new Checkpoints(every), spy)).run(false);
            return spy.seen;
        }
    }

    @Test
    void checkpointsAreDueEveryNStepsOrEachEpochAndAtTheLastStep() throws Exception {
        // 6 steps, 3 an epoch
        assertEquals(List.of(0L, 2L, 2L, 4L, 4L, 6L), checkpoints(2));
        assertEquals(List.of(0L, 0L, 3L, 3L, 3L, 6L), checkpoints(0));
        assertEquals(List.of(0L, 0L, 0L, 4L, 5L), checkpoints(4, "training.max_steps=5"));
    }

    @Test
    void noCheckpointIsWrittenWhileStepsAreSkipped() throws Exception {
        assertEquals(List.of(0L, 2L, 2L, 2L, 2L, 6L), checkpoints(2, "objective.nan_calls=[4]"));
        // the last step itself skipped: the last good checkpoint stays
        assertEquals(List.of(0L, 2L, 2L, 4L, 4L, 4L), checkpoints(2, "objective.nan_calls=[6]"));
    }
}
