package dev.ncelab.runners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.experiment.ExperimentConfig;
import dev.ncelab.core.experiment.ExperimentLoader;
import dev.ncelab.core.plugin.PluginRegistry;
import dev.ncelab.core.plugin.Plugins;
import dev.ncelab.core.run.RunDirectory;
import dev.ncelab.core.train.Experiment;
import dev.ncelab.core.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The FCE alternation: one player per step, the other bit-identical; and a short run's quality. */
class FceTest {
    static final PluginRegistry REGISTRY = Plugins.registry(FceTest.class.getClassLoader());
    static final ObjectMapper JSON = new ObjectMapper();

    static ExperimentConfig config(String flow, int steps, double threshold) {
        String yaml = """
                seed: 5
                dataset:  {type: 8gaussians, samples: 2000}
                energy:   {type: mlp, hidden: [32, 32]}
                noise:    {type: %s}
                objective: {type: nce}
                schedule: {type: fce, threshold: %s}
                training: {epochs: 10, batch: 200, max_steps: %d}
                logging:  {every: 1, eval_every: 1000, plots: false}
                """.formatted(flow, threshold, steps);
        return new ExperimentLoader(REGISTRY).bind(ConfigDocument.parse(yaml, "fce.yaml"), "fce");
    }

    /** Trains a fresh experiment for some steps and returns both players' parameters before and after. */
    static Map<String, Map<String, float[]>> train(ExperimentConfig cfg, Path dir) throws Exception {
        Files.createDirectories(dir.resolve("checkpoints"));
        try (Experiment exp = Experiment.build(cfg, REGISTRY, null)) {
            var e0 = exp.energy().parameters().snapshot();
            var n0 = exp.noise().orElseThrow().parameters().snapshot();
            var result = new Trainer(exp, new RunDirectory(dir), List.of()).run(false);
            assertEquals("finished", result.status().label());
            return Map.of("e0", e0, "n0", n0, "e1", exp.energy().parameters().snapshot(),
                    "n1", exp.noise().orElseThrow().parameters().snapshot());
        }
    }

    static void assertSame(Map<String, float[]> a, Map<String, float[]> b, String what) {
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertArrayEquals(v, b.get(k), what + ": parameter " + k + " changed"));
    }

    static boolean anyChanged(Map<String, float[]> a, Map<String, float[]> b) {
        return a.entrySet().stream().anyMatch(e -> !java.util.Arrays.equals(e.getValue(), b.get(e.getKey())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void onlyTheLearningPlayerChanges(String flow, @TempDir Path dir) throws Exception {
        // step 1 always trains the EBM; with threshold 0 any accuracy above 0 hands step 2 to the flow
        var one = train(config(flow, 1, 0.0), dir.resolve("one"));
        assertSame(one.get("n0"), one.get("n1"), "after an EBM step the flow");
        assertTrue(anyChanged(one.get("e0"), one.get("e1")), "the EBM did not learn");
        var two = train(config(flow, 2, 0.0), dir.resolve("two"));
        assertSame(one.get("e1"), two.get("e1"), "after a flow step the EBM");
        assertTrue(anyChanged(one.get("n1"), two.get("n1")), "the flow did not learn");
    }

    @Test
    void aFixedNoiseCannotBeTrainedByFce(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("e.yaml");
        Files.writeString(f, "dataset: {type: 8gaussians}\nenergy: {type: mlp}\nnoise: {type: gaussian}\n"
                + "objective: {type: nce}\nschedule: {type: fce}\n");
        Cli.Result r = Cli.run("run", f.toString(), "output=" + dir);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("schedule.type") && r.err().contains("noise.type 'gaussian' is fixed"), r.err());
    }

    /**
     * FCE-MAF on 8gaussians (batch 500, 1,500 steps) against NCE with the fixed N(0, 4I) for as many EBM
     * updates as FCE made, for seeds 42, 1 and 2; the bars are on the median of the three seeds: FCE below NCE
     * at equal EBM updates, and FCE below 0.3. Measured (the same in every launch since the scalar fix,
     * core.math.Scalars): FCE 0.207, 0.160, 0.194 against NCE 0.536, 0.326, 0.404. Before that fix, garbage
     * gradients made launches differ (FCE medians 0.19-0.35), which is why the bar keeps a margin: FCE's
     * alternation amplifies last-bit differences, so another CPU's BLAS kernels give another trajectory.
     */
    @Test
    @Tag("long") // six runs of up to 1,500 steps
    void shortFceMafRunsReachTheBarAndBeatNceAtEqualEbmUpdates(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("fce.yaml");
        Files.writeString(f, """
                name: fce-short
                dataset:  {type: 8gaussians, samples: 100000}
                energy:   {type: mlp}
                noise:    {type: maf}
                objective: {type: nce}
                schedule: {type: fce, threshold: 0.6}
                training: {epochs: 10, batch: 500, max_steps: 1500, lr: {energy: 1.0e-3, noise: 7.0e-4}}
                logging:  {every: 100, eval_every: 500, grid: 150, plots: false}
                """);
        double[] fceMse = new double[3];
        double[] nceMse = new double[3];
        int[] seeds = {42, 1, 2};
        for (int k = 0; k < 3; k++) {
            Path fo = dir.resolve("fce" + k);
            Path no = dir.resolve("nce" + k);
            Cli.Result r = Cli.run("run", f.toString(), "output=" + fo, "--quiet", "seed=" + seeds[k]);
            JsonNode fce = JSON.readTree(EndToEndTest.runDir(fo).resolve("summary.json").toFile());
            assertEquals(0, r.code(), fce.toString());
            int updates = fce.get("energy_steps").asInt();
            Cli.Result n = Cli.run("run", f.toString(), "output=" + no, "--quiet", "seed=" + seeds[k], "name=nce-short",
                    "noise={type: gaussian, std: 2.0}", "schedule={type: nce}", "training.max_steps=" + updates);
            assertEquals(0, n.code(), n.err());
            JsonNode nce = JSON.readTree(EndToEndTest.runDir(no).resolve("summary.json").toFile());
            fceMse[k] = fce.get("mse_logp").asDouble();
            nceMse[k] = nce.get("mse_logp").asDouble();
            System.out.printf("short FCE-MAF seed %d vs NCE at %d EBM updates: mse_logp %.4f vs %.4f%n", seeds[k],
                    updates, fceMse[k], nceMse[k]);
        }
        java.util.Arrays.sort(fceMse);
        java.util.Arrays.sort(nceMse);
        // measured medians 0.194 (FCE) and 0.404 (NCE), see the javadoc; 0.3 keeps the margin it explains
        assertTrue(fceMse[1] < 0.3, "median FCE mse_logp " + fceMse[1]);
        assertTrue(fceMse[1] < nceMse[1], "median FCE " + fceMse[1] + " did not beat median NCE " + nceMse[1]);
    }
}
