package dev.ncelab.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.model.Adam;
import dev.ncelab.core.objective.Player;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints restore everything a run needs to continue exactly, and refuse what they cannot read. */
class CheckpointTest {
    /** 3 epochs of 3 steps; both players learn in the cycle energy, noise, noise. */
    static final String[] RUN = {"noise.trainable=true", "schedule.pattern=[energy, noise, noise]",
        "training.epochs=3"};

    @TempDir
    Path tmp;

    static String[] with(String... more) {
        List<String> all = new ArrayList<>(List.of(RUN));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    static Map<String, byte[]> optimiserStates(Training t) throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, Adam> e : t.optimizers().entrySet()) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            e.getValue().write(new DataOutputStream(b));
            m.put(e.getKey(), b.toByteArray());
        }
        return m;
    }

    static Map<String, float[]> parameters(Training t) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Player p : t.players()) {
            p.parameters().snapshot().forEach((k, v) -> m.put(p.name() + "." + k, v));
        }
        return m;
    }

    static void assertSameParameters(Map<String, float[]> a, Map<String, float[]> b) {
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertArrayEquals(v, b.get(k), k));
    }

    @Test
    void aResumedRunContinuesExactlyAsIfNeverStopped() throws Exception {
        Recorder whole = new Recorder("whole", new ArrayList<>());
        Map<String, float[]> endParameters;
        Map<String, byte[]> endMoments;
        try (Experiment exp = Toy.build(RUN)) {
            Trainer t = new Trainer(exp, Toy.directory(tmp.resolve("whole")), List.of(whole));
            t.run(false);
            endParameters = parameters(t);
            endMoments = optimiserStates(t);
        }
        Path dir = tmp.resolve("stopped");
        try (Experiment exp = Toy.build(with("training.max_steps=4"))) { // stops mid-epoch 2, after a noise step
            new Trainer(exp, Toy.directory(dir), List.of(new Checkpoints(0))).run(false);
        }
        Files.writeString(dir.resolve("metrics.csv"), "step\n");
        Recorder second = new Recorder("second", new ArrayList<>());
        try (Experiment exp = Toy.build(RUN)) {
            Trainer t = new Trainer(exp, Toy.directory(dir), List.of(second));
            t.run(true);
            assertEquals(whole.events.subList(4, 9).stream().map(e -> e.step() + " " + e.learner() + " "
                    + e.metrics()).toList(), second.events.stream().map(e -> e.step() + " " + e.learner() + " "
                    + e.metrics()).toList(), "steps 5 to 9: learners and metrics, bit for bit");
            assertSameParameters(endParameters, parameters(t));
            endMoments.forEach((k, v) -> {
                try {
                    assertArrayEquals(v, optimiserStates(t).get(k), k + "'s Adam moments");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    static final String WITH_SAMPLER = Toy.BASE.replace("objective: {type: toy}",
            "objective: {type: toy, sample: true}\nsampler: {type: counting}");

    @Test
    void saveThenLoadRestoresStateParametersMomentsAndStatefulComponents() throws Exception {
        Path dir = tmp.resolve("run");
        Map<String, float[]> saved;
        Map<String, byte[]> moments;
        TrainingState s;
        long position;
        long drawn;
        try (Experiment exp = Toy.buildYaml(WITH_SAMPLER, with("training.max_steps=5", "objective.nan_calls=[2]"))) {
            Trainer t = new Trainer(exp, Toy.directory(dir), List.of(new Checkpoints(0)));
            t.run(false);
            saved = parameters(t);
            moments = optimiserStates(t);
            s = t.state();
            position = ((Toy.Cycle) exp.schedule()).position;
            drawn = ((Toy.ToyObjective) exp.objective()).sampler.drawn;
        }
        try (Experiment exp = Toy.buildYaml(WITH_SAMPLER, RUN)) {
            Trainer t = new Trainer(exp, Toy.directory(dir), List.of());
            Map<String, float[]> fresh = parameters(t);
            Checkpoint.load(dir.resolve("checkpoints/last.ckpt"), t);
            TrainingState r = t.state();
            assertEquals(5, r.step);
            assertEquals(List.of(s.step, s.epoch, s.position, s.next, s.playerSteps, s.nonfinite,
                    s.consecutiveNonfinite, s.seconds), List.of(r.step, r.epoch, r.position, r.next, r.playerSteps,
                    r.nonfinite, r.consecutiveNonfinite, r.seconds));
            assertEquals(1, r.nonfinite);
            assertArrayEquals(s.order, r.order);
            assertEquals(s.shuffle.nextLong(), r.shuffle.nextLong(), "the shuffle stream continues");
            assertEquals(s.objective.nextLong(), r.objective.nextLong(), "the objective's stream continues");
            assertTrue(fresh.entrySet().stream().anyMatch(e -> !java.util.Arrays.equals(e.getValue(),
                    saved.get(e.getKey()))), "training changed the parameters (else this test shows nothing)");
            assertSameParameters(saved, parameters(t));
            assertEquals(moments.keySet(), optimiserStates(t).keySet());
            moments.forEach((k, v) -> {
                try {
                    assertArrayEquals(v, optimiserStates(t).get(k), k + "'s Adam moments");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertEquals(4, position, "four completed steps moved the cycle four times");
            assertEquals(position, ((Toy.Cycle) exp.schedule()).position, "the schedule's state (Stateful)");
            assertEquals(4 * 2, drawn, "two energy steps (1 and 5) drew 4 points each");
            assertEquals(drawn, ((Toy.ToyObjective) exp.objective()).sampler.drawn, "the sampler's state (Stateful)");
        }
    }

    static String refusal(Path file) throws Exception {
        try (Experiment exp = Toy.build(RUN)) {
            Trainer t = new Trainer(exp, Toy.directory(file.getParent()), List.of());
            return assertThrows(UncheckedIOException.class, () -> Checkpoint.load(file, t)).getMessage();
        }
    }

    @Test
    void aFormatOneCheckpointIsRefusedWithTheFix() throws Exception {
        Path f = tmp.resolve("old.ckpt");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(0x4E43454C); // "NCEL"
        out.writeInt(1);
        out.writeLong(100);
        Files.write(f, b.toByteArray());
        String m = refusal(f);
        assertTrue(m.contains("cannot resume from " + f) && m.contains("format 1") && m.contains("reads format 2")
                && m.contains("train the experiment again from its config.yaml"), m);
    }

    @Test
    void aForeignFileIsRefused() throws Exception {
        Path f = tmp.resolve("foreign.ckpt");
        Files.writeString(f, "PK\u0003\u0004 not a checkpoint at all");
        String m = refusal(f);
        assertTrue(m.contains("cannot resume from " + f) && m.contains("not an ncelab checkpoint"), m);
    }

    @Test
    void aCheckpointOfAnotherObjectivesPlayersIsRefused() throws Exception {
        Path dir = tmp.resolve("one-player");
        try (Experiment exp = Toy.build("training.max_steps=1")) { // fixed noise: one player
            new Trainer(exp, Toy.directory(dir), List.of(new Checkpoints(0))).run(false);
        }
        String m = refusal(dir.resolve("checkpoints/last.ckpt"));
        assertTrue(m.contains("the checkpoint has 1 trained models, this run's objective has 2"), m);
    }
}
