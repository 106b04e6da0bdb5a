package dev.ncelab.runners.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random search: seeded, exactly run_cap points, every draw within its bounds and law. */
class RandomSearchTest {
    @TempDir
    Path dir;

    SweepSpec spec(String extra, String parameters) throws Exception {
        Files.writeString(dir.resolve("e.yaml"), SweepCli.EXPERIMENT);
        return SweepFile.parse("experiment: e.yaml\nmethod: random\n" + extra + "parameters:\n" + parameters,
                dir.resolve("s.yaml"));
    }

    static final String PARAMS = """
              lr: {min: 1.0e-4, max: 1.0e-2, distribution: log_uniform_values}
              batch: {min: 50, max: 60}
              dropout: {min: 0.1, max: 0.3}
              act: {values: [relu, tanh, elu]}
              width: {distribution: q_uniform, min: 16, max: 256, q: 16}
              nu: {value: 4}
              beta: {distribution: beta, a: 2, b: 5}
              noise: {distribution: normal, mu: 1.0, sigma: 0.5}
            """;

    static List<Double> column(List<SweepPoint> points, String name) {
        return points.stream().map(p -> ((Number) p.params().get(name)).doubleValue()).toList();
    }

    @Test
    void runCapPointsSeededAndWithinBounds() throws Exception {
        List<SweepPoint> a = SweepExpander.expand(spec("run_cap: 2000\nseed: 7\n", PARAMS));
        assertEquals(2000, a.size());
        assertEquals(a.stream().map(SweepPoint::overrides).toList(),
                SweepExpander.expand(spec("run_cap: 2000\nseed: 7\n", PARAMS)).stream()
                        .map(SweepPoint::overrides).toList(), "the same seed gives the same points");
        assertNotEquals(a.get(0).overrides(), SweepExpander.expand(spec("run_cap: 3\nseed: 8\n", PARAMS)).get(0)
                .overrides(), "another seed gives other points");
        assertEquals(List.of("act", "batch", "beta", "dropout", "lr", "noise", "nu", "width"),
                List.copyOf(a.get(0).params().keySet()));
        Set<Long> batches = new HashSet<>();
        int below = 0;
        for (SweepPoint p : a) {
            double lr = (Double) p.params().get("lr");
            assertTrue(lr >= 1e-4 && lr <= 1e-2, "lr " + lr);
            below += lr < 1e-3 ? 1 : 0; // the geometric middle: half the draws of a log-uniform law
            long batch = (Long) p.params().get("batch");
            assertTrue(batch >= 50 && batch <= 60, "batch " + batch);
            batches.add(batch);
            double dropout = (Double) p.params().get("dropout");
            assertTrue(dropout >= 0.1 && dropout <= 0.3, "dropout " + dropout);
            assertTrue(List.of("relu", "tanh", "elu").contains(p.params().get("act")));
            long width = (Long) p.params().get("width");
            assertTrue(width % 16 == 0 && width >= 16 && width <= 256, "width " + width);
            assertEquals(4L, p.params().get("nu"));
            double beta = (Double) p.params().get("beta");
            assertTrue(beta > 0 && beta < 1, "beta " + beta);
        }
        assertEquals(11, batches.size(), "int_uniform includes both ends: " + batches);
        // (the draws come from a fixed seed; each bound is several standard errors of its theory value)
        // log-uniform: half below the geometric mean; binomial standard error sqrt(.25 / 2000) = 0.011, 0.04 is 3.6
        assertEquals(0.5, below / 2000.0, 0.04);
        // normal(1, 0.5): standard error 0.5 / sqrt 2000 = 0.011; 0.05 is 4.5 of them
        assertEquals(1.0, column(a, "noise").stream().mapToDouble(Double::doubleValue).average().orElseThrow(), 0.05);
        // beta(2, 5): mean 2/7, sd sqrt(10 / (49 x 8)) = 0.16, standard error 0.0036; 0.02 is 5.6 of them
        assertEquals(2.0 / 7, column(a, "beta").stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
                0.02);
    }

    @Test
    void withoutASeedKeyTheSeedIsZero() throws Exception {
        assertEquals(SweepExpander.random(spec("run_cap: 5\n", PARAMS).parameters(), 5, 0L).stream()
                        .map(SweepPoint::overrides).toList(),
                SweepExpander.expand(spec("run_cap: 5\n", PARAMS)).stream().map(SweepPoint::overrides).toList());
    }

    @Test
    void probabilitiesWeightTheValues() throws Exception {
        List<SweepPoint> points = SweepExpander.expand(spec("run_cap: 1000\n",
                "  a: {values: [x, y, z], probabilities: [0.8, 0.2, 0.0]}\n"));
        long x = points.stream().filter(p -> p.params().get("a").equals("x")).count();
        long z = points.stream().filter(p -> p.params().get("a").equals("z")).count();
        assertEquals(800, x, 40); // binomial(1000, 0.8): sd 12.6, 40 is 3.2 of them (fixed seed)
        assertEquals(0, z);
    }

    @Test
    void gridSpecsAlsoSampleInRandomSearch() throws Exception {
        List<SweepPoint> points = SweepExpander.expand(spec("run_cap: 200\n",
                "  a: {values: [1, 2]}\n  b: {min: 0, max: 2}\n  c: {value: on}\n"));
        assertEquals(200, points.size());
        assertTrue(points.stream().allMatch(p -> p.params().get("c").equals(Boolean.TRUE)));
        assertEquals(Set.of(0L, 1L, 2L), new HashSet<>(points.stream().map(p -> p.params().get("b")).toList()));
    }
}
