package dev.ncelab.runners.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every invalid sweep file is a configuration error naming the file, line and dotted key; exit code 2. */
class SweepFileErrorsTest {
    static final String GOOD = """
            experiment: e.yaml
            method: grid
            metric: {name: mse_logp, goal: minimize}
            parameters:
              schedule.threshold: {values: [0.5, 0.6]}
              seed: {values: [1, 2]}
            """;

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of("unknown top-level key", GOOD + "paramters: {}\n",
                        "s.yaml:7 paramters: unknown key"),
                Arguments.of("unsupported W&B key", GOOD + "early_terminate: {type: hyperband, min_iter: 3}\n",
                        "s.yaml:7 early_terminate: not supported by local sweeps"),
                Arguments.of("unknown method", GOOD.replace("method: grid", "method: gird"),
                        "s.yaml:2 method: unknown method 'gird' (did you mean 'grid'?)"),
                Arguments.of("bayes", GOOD.replace("method: grid", "method: bayes"),
                        "s.yaml:2 method: unknown method 'bayes' (W&B's service runs it"),
                Arguments.of("missing method", GOOD.replace("method: grid\n", ""), "method: required key is missing"),
                Arguments.of("grid over a continuous range", GOOD + "  lr: {min: 1.0e-4, max: 1.0e-3}\n",
                        "s.yaml:7 parameters.lr: grid search takes value, values, integer min/max or q_uniform; "
                                + "distribution uniform needs method: random"),
                Arguments.of("grid over a distribution",
                        GOOD + "  lr: {min: 1.0e-4, max: 1.0e-3, distribution: log_uniform_values}\n",
                        "s.yaml:7 parameters.lr: grid search takes"),
                Arguments.of("random without run_cap", GOOD.replace("method: grid", "method: random"),
                        "s.yaml:2 run_cap: required with method: random"),
                Arguments.of("min greater than max", GOOD + "  training.batch: {min: 200, max: 100}\n",
                        "s.yaml:7 parameters.training.batch.min: min 200 is greater than max 100"),
                Arguments.of("empty values", GOOD.replace("[1, 2]", "[]"),
                        "s.yaml:6 parameters.seed.values: expected a list of at least one value, found a list"),
                Arguments.of("values not a list", GOOD.replace("[1, 2]", "3"),
                        "s.yaml:6 parameters.seed.values: expected a list of at least one value, found '3'"),
                Arguments.of("unknown distribution",
                        GOOD + "  lr: {min: 1.0e-4, max: 1.0e-3, distribution: log_uniform_value}\n",
                        "s.yaml:7 parameters.lr.distribution: unknown distribution 'log_uniform_value' (did you mean "
                                + "'log_uniform_values'?)"),
                Arguments.of("mixed int and float range", GOOD + "  lr: {min: 0, max: 0.5}\n",
                        "s.yaml:7 parameters.lr: min and max must both be whole numbers"),
                Arguments.of("unknown spec key", GOOD.replace("{values: [1, 2]}", "{valuees: [1, 2]}"),
                        "s.yaml:6 parameters.seed.valuees: unknown key (did you mean 'values'?)"),
                Arguments.of("key of another distribution", GOOD.replace("{values: [1, 2]}",
                        "{values: [1, 2], min: 1}"), "s.yaml:6 parameters.seed.min: does not apply to distribution "
                        + "categorical"),
                Arguments.of("list instead of spec", GOOD.replace("{values: [1, 2]}", "[1, 2]"),
                        "s.yaml:6 parameters.seed: expected a spec such as {values: [...]}"),
                Arguments.of("probabilities in grid", GOOD.replace("{values: [1, 2]}",
                        "{values: [1, 2], probabilities: [0.5, 0.5]}"),
                        "parameters.seed.probabilities: not allowed in grid search"),
                Arguments.of("probabilities not summing to 1", GOOD
                        .replace("method: grid", "method: random\nrun_cap: 3")
                        .replace("{values: [1, 2]}", "{values: [1, 2], probabilities: [0.5, 0.6]}"),
                        "parameters.seed.probabilities: the probabilities sum to 1.10000, not 1"),
                Arguments.of("log of a non-positive min", GOOD.replace("method: grid", "method: random\nrun_cap: 3")
                        + "  lr: {min: 0.0, max: 1.0e-3, distribution: log_uniform_values}\n",
                        "s.yaml:8 parameters.lr.min: log_uniform_values needs min > 0"),
                Arguments.of("non-positive q", GOOD + "  w: {distribution: q_uniform, min: 0, max: 8, q: 0}\n",
                        "s.yaml:7 parameters.w.q: expected a number > 0, found 0"),
                Arguments.of("missing max", GOOD + "  w: {min: 0}\n", "s.yaml:7 parameters.w.max: required key"),
                Arguments.of("bad parameter name", GOOD + "  'a b': {value: 1}\n", "parameters.a b: a parameter name"),
                Arguments.of("no parameters", GOOD.substring(0, GOOD.indexOf("parameters:")),
                        "parameters: required key is missing"),
                Arguments.of("empty parameters", GOOD.substring(0, GOOD.indexOf("parameters:")) + "parameters: {}\n",
                        "s.yaml:4 parameters: expected a mapping of at least one parameter"),
                Arguments.of("missing experiment file", GOOD.replace("e.yaml", "nope.yaml"),
                        "s.yaml:1 experiment: no such file:"),
                Arguments.of("missing experiment", GOOD.replace("experiment: e.yaml\n", ""),
                        "experiment: required key is missing"),
                Arguments.of("bad goal", GOOD.replace("goal: minimize", "goal: minimise"),
                        "s.yaml:3 metric.goal: expected minimize or maximize, found 'minimise' (did you mean "
                                + "'minimize'?)"),
                Arguments.of("metric without name", GOOD.replace("name: mse_logp, ", ""),
                        "s.yaml:3 metric.name: required key is missing"),
                Arguments.of("metric target", GOOD.replace("goal: minimize", "goal: minimize, target: 0.1"),
                        "s.yaml:3 metric.target: not supported by local sweeps"),
                Arguments.of("bad run_cap", GOOD + "run_cap: 0\n", "s.yaml:7 run_cap: expected a whole number >= 1"),
                Arguments.of("bad seed", GOOD + "seed: 1.5\n", "s.yaml:7 seed: expected a whole number"),
                Arguments.of("bad name", GOOD + "name: ../x\n", "s.yaml:7 name: expected letters"),
                Arguments.of("override without =", GOOD + "overrides: [training.max_steps]\n",
                        "s.yaml:7 overrides[0]: expected key.path=value, found 'training.max_steps'"),
                Arguments.of("override as a mapping", GOOD + "overrides:\n  - training.max_steps: 5\n",
                        "s.yaml:8 overrides[0]: expected key.path=value, found a mapping"),
                Arguments.of("grid too large", GOOD + "  a: {min: 0, max: 1000}\n  b: {min: 0, max: 1000}\n",
                        "the grid has more than 100000 points"),
                Arguments.of("YAML tag", GOOD + "seed: !!java.io.File [/tmp]\n", "tag"),
                Arguments.of("malformed YAML", GOOD.replace("[1, 2]}", "[1, 2}"), "s.yaml:6 malformed YAML"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void badFilesNameTheKey(String what, String yaml, String expected, @TempDir Path dir) throws Exception {
        Path sweep = SweepCli.files(dir, yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> SweepFile.load(sweep));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in:\n" + e.getMessage());
        SweepCli.Result r = SweepCli.run(sweep.toString(), "--output", dir.resolve("out").toString(), "--progress",
                "false");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(Files.exists(dir.resolve("out")), "no sweep directory for a bad file");
    }

    @Test
    void everyErrorIsReportedAtOnce(@TempDir Path dir) throws Exception {
        Path sweep = SweepCli.files(dir, GOOD.replace("method: grid", "method: gird")
                .replace("[1, 2]", "[]") + "extra: 1\n  \n");
        ConfigException e = assertThrows(ConfigException.class, () -> SweepFile.load(sweep));
        assertEquals(3, e.errors().size(), e.getMessage());
    }

    @Test
    void theGoodFileLoads(@TempDir Path dir) throws Exception {
        SweepSpec spec = SweepFile.load(SweepCli.files(dir, GOOD));
        assertEquals("s", spec.name());
        assertEquals(SweepSpec.Method.GRID, spec.method());
        assertEquals(0L, spec.seed());
    }

    @Test
    void aKeyTheExperimentDoesNotHaveFailsBeforeAnyWorkerStarts(@TempDir Path dir) throws Exception {
        Path sweep = SweepCli.files(dir, GOOD.replace("schedule.threshold", "training.lr.energi")
                .replace("[0.5, 0.6]", "[0.001]") + "overrides: [training.bach=5]\n");
        SweepCli.Result r = SweepCli.run(sweep.toString(), "--output", dir.resolve("out").toString());
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("training.lr.energi: unknown key (did you mean 'energy'?)"), r.err());
        assertTrue(r.err().contains("[every point]"), r.err());
        assertTrue(r.err().contains("override 'training.bach=5' training.bach: unknown key"), r.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void optionMistakesAreUsageErrors(@TempDir Path dir) throws Exception {
        Path sweep = SweepCli.files(dir, GOOD);
        assertEquals(2, SweepCli.run().code());
        assertEquals(2, SweepCli.run(sweep.toString(), "--shard", "1/2").code(), "a shard needs --output");
        assertEquals(2, SweepCli.run(sweep.toString(), "--shard", "2/2", "--output", dir.toString()).code());
        assertEquals(2, SweepCli.run(sweep.toString(), "--workers", "0").code());
        assertEquals(2, SweepCli.run("--resume", dir.resolve("nothing").toString()).code());
        assertEquals(2, SweepCli.run("--collect", dir.toString()).code(), "not a sweep directory");
        SweepCli.Result r = SweepCli.run(sweep.toString(), "--output", dir.toString());
        assertEquals(2, r.code(), "an existing directory that is not a sweep's");
        assertTrue(r.err().contains("holds no sweep.yaml"), r.err());
    }
}
