package dev.ncelab.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.objective.Player;
import dev.ncelab.core.run.RunDirectory;
import dev.ncelab.core.run.RunInfo;
import dev.ncelab.core.run.RunLogger;
import dev.ncelab.core.run.RunStatus;
import dev.ncelab.core.train.listen.Evaluation;
import dev.ncelab.core.train.listen.Limits;
import dev.ncelab.core.train.listen.MetricRows;
import dev.ncelab.core.train.listen.RunSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver on the toy experiment (40 rows, batch 16: 3 steps an epoch). */
class TrainerTest {
    @TempDir
    Path tmp;

    Trainer.Result train(Experiment exp, TrainingListener... listeners) throws Exception {
        return new Trainer(exp, Toy.directory(tmp), List.of(listeners)).run(false);
    }

    static Toy.ToyObjective objective(Experiment exp) {
        return (Toy.ToyObjective) exp.objective();
    }

    @Test
    void theStepBudgetIsEpochsTimesStepsPerEpochOrMaxSteps() throws Exception {
        try (Experiment exp = Toy.build()) {
            Recorder r = new Recorder("r", new ArrayList<>());
            Trainer.Result result = train(exp, r);
            // 2 epochs x ceil(40 / 16) = 3 steps
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), r.events.stream().map(StepEvent::step).toList());
            assertEquals(List.of(false, false, false, false, false, true),
                    r.events.stream().map(StepEvent::last).toList());
            assertEquals(6L, result.summary().get("steps"));
            assertEquals("finished", result.summary().get("status"));
        }
        try (Experiment exp = Toy.build("training.max_steps=4")) {
            Recorder r = new Recorder("r", new ArrayList<>());
            train(exp, r);
            assertEquals(4, r.events.size());
            assertTrue(r.events.get(3).last());
        }
        try (Experiment exp = Toy.build("training.batch=100")) { // a batch larger than the data is the data
            Recorder r = new Recorder("r", new ArrayList<>());
            train(exp, r);
            assertEquals(2, r.events.size());
            assertEquals(40 * 2, objective(exp).batches.get(0).length);
        }
    }

    @Test
    void eachEpochVisitsEveryRowOnceInAFreshOrder() throws Exception {
        try (Experiment exp = Toy.build()) {
            Recorder r = new Recorder("r", new ArrayList<>());
            train(exp, r);
            assertEquals(List.of(1, 1, 1, 2, 2, 2), r.events.stream().map(StepEvent::epoch).toList());
            assertEquals(List.of(false, false, true, false, false, true),
                    r.events.stream().map(StepEvent::epochEnd).toList());
            List<float[]> b = objective(exp).batches;
            assertEquals(List.of(32, 32, 16, 32, 32, 16), b.stream().map(a -> a.length).toList()); // 16, 16, 8 rows
            List<String> data = rows(exp.dataset().train().data());
            List<String> first = rows(concat(b.subList(0, 3)));
            List<String> second = rows(concat(b.subList(3, 6)));
            assertNotEquals(first, second, "the second epoch reshuffles");
            first.sort(null);
            second.sort(null);
            data.sort(null);
            assertEquals(data, first);
            assertEquals(data, second);
        }
    }

    static float[] concat(List<float[]> parts) {
        float[] out = new float[parts.stream().mapToInt(a -> a.length).sum()];
        int i = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    static List<String> rows(float[] d) {
        return new ArrayList<>(IntStream.range(0, d.length / 2).mapToObj(i -> d[2 * i] + "," + d[2 * i + 1]).toList());
    }

    /** Records, after each step, which players' parameters changed. */
    static final class Watcher implements TrainingListener {
        final List<Set<String>> changed = new ArrayList<>();
        Map<String, Map<String, float[]>> before;

        Map<String, Map<String, float[]>> snapshot(Training t) {
            Map<String, Map<String, float[]>> m = new java.util.LinkedHashMap<>();
            t.players().forEach(p -> m.put(p.name(), p.parameters().snapshot()));
            return m;
        }

        @Override
        public void onStart(Training t) {
            before = snapshot(t);
        }

        @Override
        public void onStep(Training t, StepEvent e) {
            Map<String, Map<String, float[]>> now = snapshot(t);
            Set<String> c = new LinkedHashSet<>();
            now.forEach((player, arrays) -> arrays.forEach((k, v) -> {
                if (!Arrays.equals(v, before.get(player).get(k))) {
                    c.add(player);
                }
            }));
            changed.add(c);
            before = now;
        }
    }

    @Test
    void theSchedulePicksWhoLearnsAndOnlyTheLearnerChanges() throws Exception {
        try (Experiment exp = Toy.build("noise.trainable=true", "schedule.pattern=[energy, noise, noise]")) {
            Recorder r = new Recorder("r", new ArrayList<>());
            Watcher w = new Watcher();
            Trainer trainer = new Trainer(exp, Toy.directory(tmp), List.of(r, w));
            trainer.run(false);
            List<String> expected = List.of("energy", "noise", "noise", "energy", "noise", "noise");
            assertEquals(expected, r.events.stream().map(StepEvent::learner).toList());
            assertEquals(expected, objective(exp).learners);
            assertEquals(expected.stream().map(Set::of).toList(), w.changed);
            assertEquals(Map.of("energy", 2L, "noise", 4L), trainer.state().playerSteps);
            assertEquals(2.0 / 6, trainer.state().energyFraction(), 1e-12); // exact ratio, double rounding only
        }
    }

    @Test
    void aSkippedNonFiniteStepRepeatsItsLearnerAndChangesNothing() throws Exception {
        try (Experiment exp = Toy.build("noise.trainable=true", "schedule.pattern=[energy, noise]",
                "objective.nan_calls=[2, 3]")) {
            Recorder r = new Recorder("r", new ArrayList<>());
            Watcher w = new Watcher();
            Trainer trainer = new Trainer(exp, Toy.directory(tmp), List.of(r, w));
            Trainer.Result result = trainer.run(false);
            assertEquals(List.of("energy", "noise", "noise", "noise", "energy", "noise"),
                    r.events.stream().map(StepEvent::learner).toList());
            assertNull(r.events.get(0).skipped());
            assertTrue(r.events.get(1).skipped().contains("loss was NaN"), r.events.get(1).skipped());
            assertNotNull(r.events.get(2).skipped());
            assertEquals(Map.of(), r.events.get(1).metrics(), "a skipped step reports no metrics");
            assertEquals(List.of(Set.of("energy"), Set.of(), Set.of(), Set.of("noise"), Set.of("energy"),
                    Set.of("noise")), w.changed);
            assertEquals(2, trainer.state().nonfinite);
            assertEquals(0, trainer.state().consecutiveNonfinite);
            assertEquals(4, ((Toy.Cycle) exp.schedule()).nextCalls, "the schedule is asked after completed steps only");
            assertEquals(Map.of("energy", 2L, "noise", 2L), trainer.state().playerSteps);
            assertEquals(RunStatus.FINISHED, result.status());
        }
    }

    @Test
    void listenersRunInOrderAndAreAlwaysClosed() throws Exception {
        try (Experiment exp = Toy.build("training.max_steps=2")) {
            List<String> log = new ArrayList<>();
            train(exp, new Recorder("a", log), new Recorder("b", log));
            assertEquals(List.of("a.start", "b.start", "a.step1", "b.step1", "a.step2", "b.step2", "a.end", "b.end",
                    "a.close", "b.close"), log);
        }
        try (Experiment exp = Toy.build()) {
            List<String> log = new ArrayList<>();
            Recorder failing = new Recorder("c", log) {
                @Override
                public void onStep(Training t, StepEvent e) {
                    super.onStep(t, e);
                    if (e.step() == 2) {
                        throw new IllegalStateException("listener failed");
                    }
                }
            };
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> train(exp, new Recorder("a", log), failing, new Recorder("b", log)));
            assertEquals("listener failed", e.getMessage());
            assertEquals(List.of("a.start", "c.start", "b.start", "a.step1", "c.step1", "b.step1", "a.step2",
                    "c.step2", "a.close", "c.close", "b.close"), log);
        }
    }

    @Test
    void aStopRequestEndsTheRunInterruptedAtThatStep() throws Exception {
        try (Experiment exp = Toy.build()) {
            AtomicBoolean stop = new AtomicBoolean();
            TrainingListener signal = new TrainingListener() {
                @Override
                public void onStep(Training t, StepEvent e) {
                    stop.set(e.step() == 2);
                }
            };
            Recorder r = new Recorder("r", new ArrayList<>());
            Trainer.Result result = train(exp, signal, Limits.stopRequest(stop), r);
            assertEquals(2, r.events.size());
            assertTrue(r.events.get(1).last());
            assertEquals(RunStatus.INTERRUPTED, result.status());
            assertEquals("interrupted", result.summary().get("status"));
            assertEquals("interrupted at step 2", result.summary().get("message"));
        }
    }

    @Test
    void nonFiniteStepsInARowStopTheRunAsDivergedButNotBefore() throws Exception {
        try (Experiment exp = Toy.build("training.max_nonfinite=3", "objective.nan_calls=[2, 3, 5, 6]")) {
            Recorder r = new Recorder("r", new ArrayList<>());
            Trainer.Result result = train(exp, Limits.divergence(3), r);
            assertEquals(RunStatus.FINISHED, result.status(), "two in a row, twice, is not divergence");
            assertEquals(6, r.events.size());
        }
        try (Experiment exp = Toy.build("objective.nan_calls=[2, 3, 4, 5]")) {
            Recorder r = new Recorder("r", new ArrayList<>());
            Trainer.Result result = train(exp, Limits.divergence(3), r);
            assertEquals(RunStatus.DIVERGED, result.status());
            assertEquals(4, r.events.size(), "the third bad step in a row (step 4) is the last");
            assertTrue(((String) result.summary().get("message")).startsWith("diverged at step 4: the objective's "
                    + "loss was NaN, non-finite for 3 steps in a row (from step 2)"), result.summary().toString());
        }
    }

    /** Keeps every row, as a run logger. */
    static final class Rows implements RunLogger {
        final List<Map<String, Object>> rows = new ArrayList<>();

        @Override
        public void start(RunInfo info) {}

        @Override
        public void log(long step, Map<String, Object> metrics) {
            rows.add(metrics);
        }

        @Override
        public void finish(RunStatus status, Map<String, Object> summary) {}
    }

    @Test
    void columnsAreDeclaredByTheirProducersOnceEach() throws Exception {
        try (Experiment exp = Toy.build()) {
            Recorder a = new Recorder("a", new ArrayList<>());
            a.columns = List.of("x", "toy_loss");
            Recorder b = new Recorder("b", new ArrayList<>());
            b.columns = List.of("y", "x");
            assertEquals(List.of("step", "epoch", "trained", "toy_loss", "toy_c", "x", "y"),
                    new Trainer(exp, Toy.directory(tmp), List.of(a, b)).columns());
        }
        for (String[] o : List.of(new String[] {"dataset.density=true"}, new String[] {"noise.trainable=true",
                "schedule.pattern=[energy, noise]"}, new String[] {"dataset.dim=3", "dataset.rows=300"})) {
            try (Experiment exp = Toy.build(o)) {
                Rows rows = new Rows();
                Trainer t = new Trainer(exp, Toy.directory(tmp.resolve(o[0])), List.of(new Evaluation(exp),
                        new MetricRows(2, List.of(rows)), new RunSummary()));
                List<String> columns = t.columns();
                assertEquals(columns.size(), new LinkedHashSet<>(columns).size(), "duplicate column in " + columns);
                t.run(false);
                Set<String> written = new LinkedHashSet<>();
                rows.rows.forEach(row -> written.addAll(row.keySet()));
                // every figure a listener writes is a declared column, and every declared column is written
                assertEquals(new LinkedHashSet<>(columns), written, Arrays.toString(o));
            }
        }
    }

    @Test
    void theFirstLearnerIsTheSchedulesAndAPlayerListIsTheObjectives() throws Exception {
        try (Experiment exp = Toy.build("noise.trainable=true", "schedule.pattern=[noise, energy]")) {
            Trainer t = new Trainer(exp, Toy.directory(tmp), List.of());
            assertEquals(List.of(Player.ENERGY, Player.NOISE), t.players().stream().map(Player::name).toList());
            assertEquals(Set.of(Player.ENERGY, Player.NOISE), t.optimizers().keySet());
            t.run(false);
            assertEquals("noise", objective(exp).learners.get(0));
            assertFalse(objective(exp).learners.isEmpty());
        }
    }

    static RunDirectory dir(Path p) throws Exception {
        return Toy.directory(p);
    }
}
