package dev.ncelab.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume with state beyond the parameters: contrastive divergence from the langevin sampler's persistent
 * replay buffer (the sampler's state), with an averaged model (the EMA listener's state), and an FCE flow trained
 * under the `alternate` schedule (the schedule's counter). A run killed with SIGKILL and resumed must write the
 * same metrics.csv as a run never killed: any state the checkpoint forgot changes the numbers after the kill.
 */
class StatefulResumeTest {
    static final String CD = """
            name: cd-resume
            seed: 5
            dataset:  {type: 8gaussians, samples: 4000}
            energy:   {type: mlp, hidden: [32, 32]}
            sampler:  {type: langevin, init: buffer, steps: 5, step_size: 0.01, buffer_size: 500, reinit_probability: 0.05}
            objective: {type: cd, alpha: 0.1}
            training: {epochs: 30, batch: 100, checkpoint_every: 40, ema: 0.99}
            logging:  {every: 10, eval_every: 400, grid: 60, plots: false}
            """;
    static final String ALTERNATE = """
            name: alt-resume
            seed: 6
            dataset:  {type: 8gaussians, samples: 4000}
            energy:   {type: mlp, hidden: [32, 32]}
            noise:    {type: maf, blocks: 2, hidden: 16}
            objective: {type: nce}
            schedule: {type: alternate, energy_steps: 2, noise_steps: 3}
            training: {epochs: 30, batch: 100, checkpoint_every: 40}
            logging:  {every: 10, eval_every: 400, grid: 60, plots: false}
            """;

    static void killResumeAndCompare(Path dir, String yaml, long killAtRow) throws Exception {
        Path exp = dir.resolve("e.yaml");
        Files.writeString(exp, yaml);
        Cli.Result clean = Cli.run("run", exp.toString(), "output=" + dir.resolve("clean"), "--quiet");
        assertEquals(0, clean.code(), clean.err());
        Path killed = dir.resolve("killed");
        Process p = SurvivalTest.launch(dir, "run", exp.toString(), "--run-dir", killed.toString(), "--quiet");
        Await.until("metric row " + killAtRow, Await.io(() ->
                SurvivalTest.rows(killed.resolve("metrics.csv")) >= killAtRow || !p.isAlive()));
        assertTrue(p.isAlive(), "the run ended before it could be killed: " + Files.readString(dir.resolve("child.log")));
        p.destroyForcibly(); // SIGKILL
        Await.until("the killed child's end", () -> !p.isAlive());
        Cli.Result resumed = Cli.run("run", "--resume", killed.toString(), "--quiet");
        assertEquals(0, resumed.code(), resumed.err());
        List<String> a = Files.readAllLines(EndToEndTest.runDir(dir.resolve("clean")).resolve("metrics.csv"));
        List<String> b = Files.readAllLines(killed.resolve("metrics.csv"));
        assertEquals(EndToEndTest.withoutSeconds(a), EndToEndTest.withoutSeconds(b), "killed at row " + killAtRow);
    }

    @Test
    @Tag("long") // two runs of 1,200 CD steps with Langevin negatives
    void cdWithAPersistentBufferAndAnAverageResumesExactly(@TempDir Path dir) throws Exception {
        killResumeAndCompare(dir, CD, 50); // step 500: between the checkpoints at 480 and 520
    }

    @Test
    @Tag("long") // two runs of 1,200 FCE steps
    void theAlternateSchedulesCounterResumesExactly(@TempDir Path dir) throws Exception {
        killResumeAndCompare(dir, ALTERNATE, 50);
    }
}
