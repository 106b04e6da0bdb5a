package dev.ncelab.runners.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.runners.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm workers: several points in one JVM, a failing point does not take the worker down, a killed worker is
 * replaced, and a point trained after another in a warm worker gives the numbers of a lone {@code ncelab run}.
 */
class WarmWorkerTest {
    static SweepExecutor executor(Path out, int workers, List<JobResult> events, SweepPlan plan) {
        return new SweepExecutor(new JvmWorker(FakeWorker.class.getName(), JvmWorker.DEFAULT_OPTIONS, List.of(), plan),
                out, workers, new ProgressLine(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), false, "mse_logp", 4));
    }

    static String pid(Path out, int point) throws Exception {
        return Files.readString(out.resolve("runs/" + point + "/pid"));
    }

    @Test
    void aFailingPointLeavesItsWorkerToTrainTheNext(@TempDir Path dir) throws Exception {
        Path sweep = SweepCli.files(dir, ResumeTest.SWEEP);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(dir.resolve("throw-1"), ""); // an exception escapes point 1
        Files.writeString(dir.resolve("fail-2"), "");  // point 2's run fails
        SweepCli.Result r = ResumeTest.sweep(sweep.toString(), "--output", out.toString(), "--workers", "1");
        assertEquals(1, r.code(), r.all());
        List<String[]> jobs = ResumeTest.csv(out.resolve("jobs.csv"));
        assertEquals(List.of("finished", "failed", "failed", "finished"), jobs.subList(1, 5).stream().map(j -> j[1])
                .toList(), r.all());
        assertTrue(Files.readString(out.resolve("runs/1.log")).contains("fake exception in point 1"),
                "the exception is in the point's log");
        for (int i = 1; i < 4; i++) {
            assertEquals(pid(out, 0), pid(out, i), "point " + i + " ran in the same worker JVM as point 0");
        }
    }

    /**
     * A worker gets its next point before the sweep writes its bookkeeping for the point that ended (jobs.csv, the
     * report page), so it does not wait for it: with one worker, point i + 1 is running before point i's end is
     * passed on.
     */
    @Test
    void theNextPointStartsBeforeTheEndedOneIsRecorded(@TempDir Path dir) throws Exception {
        SweepPlan plan = ExecutorStopTest.plan(dir);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        List<String> order = new CopyOnWriteArrayList<>();
        List<JobResult> r = executor(out, 1, List.of(), plan).run(plan.points(),
                j -> order.add(j.point().index() + " " + j.status()));
        assertEquals(List.of("finished", "finished", "finished", "finished"),
                r.stream().map(JobResult::status).toList());
        assertEquals(List.of("0 running", "1 running", "0 finished", "2 running", "1 finished", "3 running",
                "2 finished", "3 finished"), order);
    }

    @Test
    void aKilledWorkerFailsItsPointAndAFreshOneTrainsTheRest(@TempDir Path dir) throws Exception {
        SweepPlan plan = ExecutorStopTest.plan(dir);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(dir.resolve("sleep-1"), "");
        List<JobResult> events = new CopyOnWriteArrayList<>();
        SweepExecutor executor = executor(out, 1, events, plan);
        AtomicReference<List<JobResult>> results = new AtomicReference<>();
        Thread t = new Thread(() -> results.set(executor.run(plan.points(), events::add)));
        t.start();
        Path sleeping = out.resolve("runs/1/sleeping");
        Await.until("point 1 asleep", () -> Files.exists(sleeping));
        long pid = Long.parseLong(pid(out, 1));
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL: no shutdown hook, no summary
        Await.until("the sweep's end", () -> !t.isAlive());
        List<JobResult> r = results.get();
        assertEquals(List.of("finished", "failed", "finished", "finished"), r.stream().map(JobResult::status).toList());
        assertEquals(137, r.get(1).exitCode(), "SIGKILL"); // 128 + 9
        assertTrue(r.get(1).message().startsWith("worker died (exit 137)"), r.get(1).message());
        assertEquals(pid(out, 0), pid(out, 1));
        assertNotEquals(pid(out, 1), pid(out, 2), "a fresh worker took over");
        assertEquals(pid(out, 2), pid(out, 3));
        assertTrue(Files.readString(out.resolve("runs/1.log")).contains("the worker process died (exit 137)"));
    }

    /**
     * Point 3 (seed 2, one thread) trained after three others in one warm worker (among them point 2: seed 2 on
     * two threads), against the same point run alone by {@code Main run} in a JVM of its own: every metric of
     * every logged row is equal (the run is seeded, so exactly: no tolerance); only the wall-clock column differs.
     */
    @Test
    void aPointInAWarmWorkerGivesTheNumbersOfALoneRun(@TempDir Path dir) throws Exception {
        Path sweep = SweepCli.files(dir, """
                name: warm
                experiment: e.yaml
                method: grid
                parameters:
                  seed: {values: [1, 2]}
                  training.threads: {values: [2, 1]}
                overrides: [training.epochs=20, training.max_steps=40, logging.every=10]
                """);
        Path out = dir.resolve("out");
        SweepCli.Result r = SweepCli.run(sweep.toString(), "--output", out.toString(), "--workers", "1",
                "--progress", "false");
        assertEquals(0, r.code(), r.all() + RealWorkerTest.logs(out));
        assertTrue(Files.readString(out.resolve("runs/3/overrides.txt")).contains("seed=2\ntraining.threads=1"));
        for (int i = 0; i < 4; i++) {
            int threads = i % 2 == 0 ? 2 : 1;
            assertTrue(Files.readString(out.resolve("runs/" + i + "/run.log")).contains(": " + threads
                    + " intra-op thread(s)"), "point " + i + " trains with its own training.threads");
        }

        Path alone = dir.resolve("alone");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), JvmWorker.MAIN,
                "run", dir.resolve("e.yaml").toString(), "training.epochs=20", "training.max_steps=40",
                "logging.every=10", "seed=2", "training.threads=1", "--run-dir", alone.toString(), "--quiet"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("alone.log").toFile())
                .start();
        assertEquals(0, p.waitFor(), Files.readString(dir.resolve("alone.log")));
        List<String> lone = withoutSeconds(alone.resolve("metrics.csv"));
        assertEquals(lone, withoutSeconds(out.resolve("runs/3/metrics.csv")));
        assertNotEquals(lone, withoutSeconds(out.resolve("runs/1/metrics.csv")),
                "seed 1 and seed 2 differ, so equal files mean something");
    }

    /** The metrics file without its wall-clock column. */
    static List<String> withoutSeconds(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        int col = List.of(lines.get(0).split(",")).indexOf("seconds");
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            List<String> cells = new ArrayList<>(List.of(l.split(",", -1)));
            if (col >= 0) {
                cells.remove(col);
            }
            out.add(String.join(",", cells));
        }
        return out;
    }
}
