package dev.ncelab.runners.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grid expansion as W&B's grid_search does it, against hand-written expectations. */
class GridExpansionTest {
    @TempDir
    Path dir;

    List<SweepPoint> expand(String parameters) throws Exception {
        Files.writeString(dir.resolve("e.yaml"), SweepCli.EXPERIMENT);
        SweepSpec spec = SweepFile.parse("experiment: e.yaml\nmethod: grid\nparameters:\n" + parameters,
                dir.resolve("s.yaml"));
        return SweepExpander.expand(spec);
    }

    static List<List<String>> overrides(List<SweepPoint> points) {
        return points.stream().map(SweepPoint::overrides).toList();
    }

    @Test
    void theProtocolNotesExampleGivesThirtyPointsInSortedNameOrderLastVaryingFastest() throws Exception {
        List<SweepPoint> points = expand("""
                  window: {min: 3, max: 5}
                  seed: {value: 42}
                  fce_threshold: {values: [0.70, 0.75, 0.80, 0.85, 0.90]}
                  model:
                    parameters:
                      depth: {values: [2, 4]}
                """);
        assertEquals(30, points.size()); // window 3..5 (3) x 5 thresholds x 2 depths x 1 seed
        assertEquals(List.of("fce_threshold", "model.depth", "seed", "window"),
                List.copyOf(points.get(0).params().keySet()));
        assertEquals(List.of(
                List.of("fce_threshold=0.7", "model.depth=2", "seed=42", "window=3"),
                List.of("fce_threshold=0.7", "model.depth=2", "seed=42", "window=4"),
                List.of("fce_threshold=0.7", "model.depth=2", "seed=42", "window=5"),
                List.of("fce_threshold=0.7", "model.depth=4", "seed=42", "window=3"),
                List.of("fce_threshold=0.7", "model.depth=4", "seed=42", "window=4"),
                List.of("fce_threshold=0.7", "model.depth=4", "seed=42", "window=5"),
                List.of("fce_threshold=0.75", "model.depth=2", "seed=42", "window=3")),
                overrides(points.subList(0, 7)));
        assertEquals(List.of("fce_threshold=0.9", "model.depth=4", "seed=42", "window=5"),
                points.get(29).overrides());
        for (int i = 0; i < points.size(); i++) {
            assertEquals(i, points.get(i).index());
            assertEquals(42L, points.get(i).params().get("seed"));
        }
    }

    @Test
    void thresholdTimesSeed() throws Exception {
        List<SweepPoint> points = expand("""
                  seed: {values: [1, 2, 3]}
                  schedule.threshold: {values: [0.5, 0.55, 0.6]}
                """);
        assertEquals(List.of(
                List.of("schedule.threshold=0.5", "seed=1"), List.of("schedule.threshold=0.5", "seed=2"),
                List.of("schedule.threshold=0.5", "seed=3"), List.of("schedule.threshold=0.55", "seed=1"),
                List.of("schedule.threshold=0.55", "seed=2"), List.of("schedule.threshold=0.55", "seed=3"),
                List.of("schedule.threshold=0.6", "seed=1"), List.of("schedule.threshold=0.6", "seed=2"),
                List.of("schedule.threshold=0.6", "seed=3")), overrides(points));
    }

    @Test
    void intRangesIncludeMaxAndQuantisedRangesExcludeIt() throws Exception {
        assertEquals(List.of(List.of("a=-1"), List.of("a=0"), List.of("a=1"), List.of("a=2")),
                overrides(expand("  a: {min: -1, max: 2}\n")));
        assertEquals(List.of(List.of("a=7")), overrides(expand("  a: {min: 7, max: 7}\n")));
        assertEquals(List.of(List.of("a=0.1"), List.of("a=0.2"), List.of("a=0.3"), List.of("a=0.4")),
                overrides(expand("  a: {distribution: q_uniform, min: 0.1, max: 0.5, q: 0.1}\n")));
        assertEquals(List.of(List.of("a=0"), List.of("a=5")),
                overrides(expand("  a: {distribution: q_uniform, min: 0, max: 10, q: 5}\n")));
        assertEquals(List.of(List.of("a=3"), List.of("a=4")),
                overrides(expand("  a: {distribution: int_uniform, min: 3, max: 4}\n")));
    }

    @Test
    void valuesOfEveryYamlKindBecomeOverrides() throws Exception {
        List<SweepPoint> points = expand("""
                  energy.hidden: {values: [[64, 64], [128]]}
                  flag: {value: true}
                  name: {values: [relu, "true", "a b", 8gaussians]}
                  lr: {value: 1.0e-4}
                  noise: {value: {type: maf, blocks: 5}}
                """);
        assertEquals(8, points.size()); // 2 hidden x 4 names
        assertEquals(List.of("energy.hidden=[64,64]", "flag=true", "lr=1.0e-4", "name=relu",
                "noise={type: maf,blocks: 5}"), points.get(0).overrides());
        assertEquals("name='true'", points.get(1).overrides().get(3));
        assertEquals("name='a b'", points.get(2).overrides().get(3));
        assertEquals("name=8gaussians", points.get(3).overrides().get(3));
        assertEquals("energy.hidden=[128]", points.get(4).overrides().get(0));
        assertEquals(Map.of("type", "maf", "blocks", 5L), points.get(0).params().get("noise"));
    }

    @Test
    void repeatedPointsRunOnceAndRunCapKeepsTheFirst() throws Exception {
        assertEquals(List.of(List.of("a=1"), List.of("a=2")), overrides(expand("  a: {values: [1, 1.0, 2, 1]}\n")));
        Files.writeString(dir.resolve("e.yaml"), SweepCli.EXPERIMENT);
        SweepSpec capped = SweepFile.parse("experiment: e.yaml\nmethod: grid\nrun_cap: 3\nparameters:\n"
                + "  a: {values: [1, 2]}\n  b: {values: [x, y]}\n", dir.resolve("s.yaml"));
        assertEquals(List.of(List.of("a=1", "b=x"), List.of("a=1", "b=y"), List.of("a=2", "b=x")),
                overrides(SweepExpander.expand(capped)));
    }

    @Test
    void theExampleSweepFileExpandsToThresholdTimesSeed() {
        Path file = Path.of(System.getProperty("user.dir")).resolve("../experiments/sweep-fce-threshold.yaml");
        SweepSpec spec = SweepFile.load(file);
        List<SweepPoint> points = SweepExpander.expand(spec);
        assertEquals(15, points.size()); // the file's 5 thresholds x 3 seeds
        assertEquals(List.of("schedule.threshold=0.5", "seed=1"), points.get(0).overrides());
        assertEquals(List.of("schedule.threshold=0.7", "seed=3"), points.get(14).overrides());
        assertEquals("mse_logp", spec.metric().name());
        assertEquals(SweepSpec.Goal.MINIMIZE, spec.metric().goal());
        assertEquals("fce-maf-8gaussians.yaml", spec.experiment().getFileName().toString());
    }
}
