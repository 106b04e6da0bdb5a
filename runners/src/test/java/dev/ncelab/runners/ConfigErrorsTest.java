package dev.ncelab.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad configuration exits with 2, names the key (and line), and creates no run directory. */
class ConfigErrorsTest {
    static final String GOOD = """
            name: t
            seed: 1
            dataset:  {type: 8gaussians, samples: 1000}
            energy:   {type: mlp, hidden: [16, 16]}
            noise:    {type: gaussian, std: 2.0}
            objective: {type: nce, nu: 1}
            schedule: {type: nce}
            training: {epochs: 1, batch: 100}
            logging:  {every: 10, plots: false}
            """;

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of("unknown top-level key", GOOD + "optimiser: adam\n", "t.yaml:10 optimiser: unknown key"),
                Arguments.of("unknown nested key", GOOD.replace("hidden: [16, 16]", "hiden: [16, 16]"),
                        "energy.hiden: unknown key (did you mean 'hidden'?)"),
                Arguments.of("wrong type", GOOD.replace("epochs: 1", "epochs: many"),
                        "t.yaml:8 training.epochs: expected a whole number, found 'many'"),
                Arguments.of("unknown plugin", GOOD.replace("type: 8gaussians", "type: 8gausians"),
                        "dataset.type: unknown dataset plugin '8gausians' (did you mean '8gaussians'?); registered:"),
                Arguments.of("negative batch", GOOD.replace("batch: 100", "batch: -5"),
                        "t.yaml:8 training.batch: expected a number > 0, found -5"),
                Arguments.of("missing dataset", GOOD.replace("dataset:  {type: 8gaussians, samples: 1000}\n", ""),
                        "dataset: required section is missing"),
                Arguments.of("malformed YAML", GOOD.replace("[16, 16]}", "[16, 16}"), "t.yaml:4 malformed YAML"),
                Arguments.of("bad enum", GOOD.replace("hidden: [16, 16]", "activation: sigmoidal"),
                        "energy.activation: expected one of leaky-relu"),
                Arguments.of("missing type", GOOD.replace("{type: nce, nu: 1}", "{nu: 1}"),
                        "objective.type: required key is missing"),
                Arguments.of("out of range", GOOD.replace("{type: nce}", "{type: fce, threshold: 1.5}")
                        .replace("{type: gaussian, std: 2.0}", "{type: maf}"),
                        "schedule.threshold: expected a number in [0.0, 1.0], found 1.5"),
                Arguments.of("list where a number is expected", GOOD.replace("nu: 1", "nu: [1, 2]"),
                        "objective.nu: expected integer, found a list"),
                Arguments.of("fixed noise with a schedule that trains it", GOOD.replace("{type: nce}", "{type: fce}"),
                        "schedule.type: schedule 'fce' trains the noise model, but noise.type 'gaussian' is fixed"),
                Arguments.of("noise of the wrong dimension", GOOD.replace("std: 2.0", "mean: [0, 0, 0]"),
                        "noise.mean: expected 2 values"),
                Arguments.of("bad name", GOOD.replace("name: t", "name: ../../etc"), "name: expected letters"),
                Arguments.of("YAML tag", GOOD + "output: !!java.io.File [/tmp]\n", "tag"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfigExitsWithTwoAndNamesTheKey(String what, String yaml, String expected, @TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, yaml);
        Path out = dir.resolve("out");
        Cli.Result r = Cli.run("run", file.toString(), "output=" + out);
        assertEquals(2, r.code(), what + ": " + r.err());
        assertTrue(r.err().contains(expected), what + ": expected [" + expected + "] in:\n" + r.err());
        assertFalse(Files.exists(out) && Files.list(out).findAny().isPresent(), "a run directory was created");
    }

    @Test
    void theAgentsHyphenatedFormIsAnOverrideAndAnUnknownOptionIsStillAnError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.yaml");
        Files.writeString(f, GOOD);
        Cli.Result ok = Cli.run("run", f.toString(), "--training.epochs=3", "--logging.plots=True", "--dry-run");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("epochs: 3") && ok.out().contains("plots: true"), ok.out());
        Cli.Result bad = Cli.run("run", f.toString(), "--quite");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("'--quite' expected key.path=value"), bad.err());
    }

    @Test
    void errorsAreCollectedAndReportedTogether(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, GOOD.replace("epochs: 1", "epochs: 0").replace("hidden: [16, 16]", "hiden: 3"));
        Cli.Result r = Cli.run("run", file.toString(), "seed=abc", "output=" + dir.resolve("out"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("3 configuration errors"), r.err());
        assertTrue(r.err().contains("override 'seed=abc' seed: expected a whole number"), r.err());
    }

    @Test
    void badCommandLineExitsWithTwo() {
        assertEquals(2, Cli.run("run", "--no-such-flag").code());
        assertEquals(2, Cli.run("run", "does-not-exist.yaml").code());
        assertEquals(2, Cli.run("describe", "noise", "gausian").code());
        assertTrue(Cli.run("describe", "noise", "gausian").err().contains("did you mean 'gaussian'"));
    }

    @Test
    void describeListsKeysWithTypeDefaultAndDoc() {
        Cli.Result r = Cli.run("describe", "noise", "gaussian");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*\\bstd\\s+number\\s+1\\.0\\s+standard deviation.*"), r.out());
        assertTrue(r.out().contains("fit") && r.out().contains("none | data"), r.out());
    }

    @Test
    void pluginsListsEveryKind() {
        Cli.Result r = Cli.run("plugins");
        assertEquals(0, r.code(), r.err());
        for (String s : new String[] {"dataset:", "8gaussians", "energy:", "mlp", "noise:", "gaussian", "maf", "glow",
                "objective:", "ranking-nce", "schedule:", "fce", "mle"}) {
            assertTrue(r.out().contains(s), s + " missing from:\n" + r.out());
        }
    }

    @Test
    void dryRunPrintsTheResolvedConfigWithDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, GOOD);
        Cli.Result r = Cli.run("run", "--dry-run", file.toString(), "training.epochs=7", "energy.hidden=[8,8]");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("epochs: 7"), r.out());
        assertTrue(r.out().contains("log_z_init: 1.0"), r.out());
        assertTrue(r.out().contains("- 8"), r.out());
    }
}
