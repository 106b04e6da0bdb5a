package dev.ncelab.runners.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import dev.ncelab.runners.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping a sweep (what Ctrl-C does): the workers are asked to stop, their points end interrupted. */
class ExecutorStopTest {
    static SweepPlan plan(Path dir) throws Exception {
        SweepSpec spec = SweepFile.load(SweepCli.files(dir, ResumeTest.SWEEP));
        return SweepPlan.of(spec, SweepExpander.expand(spec));
    }

    static List<JobResult> runAndStop(Path dir, int workers, int finishedBeforeStop) throws Exception {
        SweepPlan plan = plan(dir);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(dir.resolve("sleep-" + (workers == 1 ? 0 : 3)), "");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        SweepExecutor executor = new SweepExecutor(new JvmWorker(FakeWorker.class.getName(), JvmWorker.DEFAULT_OPTIONS,
                List.of(), plan), out, workers, new ProgressLine(new PrintStream(text, true, StandardCharsets.UTF_8),
                false, "mse_logp", 4));
        List<JobResult> events = new CopyOnWriteArrayList<>();
        AtomicReference<List<JobResult>> results = new AtomicReference<>();
        Thread t = new Thread(() -> results.set(executor.run(plan.points(), events::add)));
        t.start();
        Path sleeping = out.resolve("runs/" + (workers == 1 ? 0 : 3) + "/sleeping");
        // the sleeper writes its marker after installing its shutdown hook, so a SIGTERM from now on is handled
        Await.until("point " + sleeping.getParent().getFileName() + " asleep and " + finishedBeforeStop
                + " points over", () -> Files.exists(sleeping)
                && events.stream().filter(JobResult::over).count() >= finishedBeforeStop);
        executor.requestStop(0);
        Await.until("the sweep's end", () -> !t.isAlive());
        assertTrue(executor.stopRequested());
        return results.get();
    }

    @Test
    void stoppingInterruptsTheRunningPointAndKeepsTheFinishedOnes(@TempDir Path dir) throws Exception {
        List<JobResult> results = runAndStop(dir, 4, 3);
        assertEquals(List.of("finished", "finished", "finished", "interrupted"),
                results.stream().map(JobResult::status).toList());
        assertEquals(143, results.get(3).exitCode(), "SIGTERM"); // 128 + 15, the JVM's exit on SIGTERM
        // 5: the steps FakeWorker's shutdown hook writes into an interrupted summary
        assertEquals(5.0, results.get(3).figure("steps"), "the worker wrote its own summary");
    }

    @Test
    void aSigtermToTheSweepStopsItsWorkersCleanly(@TempDir Path dir) throws Exception {
        Path sweep = SweepCli.files(dir, ResumeTest.SWEEP);
        Path out = dir.resolve("out");
        Files.writeString(dir.resolve("sleep-3"), "");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SweepProcess.class.getName(), sweep.toString(),
                "--output", out.toString(), "--workers", "4", "--worker-main", FakeWorker.class.getName(),
                "--progress", "false");
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("sweep.log").toFile());
        Process sweepProcess = pb.start();
        // point 3 asleep (its hook installed) and points 0-2 recorded as finished in jobs.csv by the sweep itself
        Await.until("point 3 asleep and points 0-2 finished in jobs.csv", Await.io(() ->
                Files.exists(out.resolve("runs/3/sleeping")) && Files.exists(out.resolve("jobs.csv"))
                && Files.readAllLines(out.resolve("jobs.csv")).stream().filter(l -> l.matches("[012],finished,.*"))
                        .count() == 3));
        sweepProcess.destroy(); // SIGTERM to the sweep only: it forwards one to the worker after the grace period
        Await.until("the sweep's exit", () -> !sweepProcess.isAlive());
        String log = Files.readString(dir.resolve("sweep.log"));
        assertEquals(130, sweepProcess.exitValue(), log); // 130: interrupted (SweepCommand's javadoc)
        List<String> jobs = Files.readAllLines(out.resolve("jobs.csv"));
        assertEquals(5, jobs.size(), log); // the header and the 4 points of ResumeTest.SWEEP
        assertTrue(jobs.get(4).startsWith("3,interrupted,"), jobs.get(4));
        assertTrue(jobs.get(1).startsWith("0,finished,"), jobs.get(1));
        assertTrue(Files.readString(out.resolve("runs/3/summary.json")).contains("\"steps\": 5"),
                "the worker stopped cleanly and wrote its summary");
        assertTrue(log.contains("ncelab sweep --resume " + out), log);
    }

    @Test
    void stoppingLeavesUnstartedPointsPending(@TempDir Path dir) throws Exception {
        List<JobResult> results = runAndStop(dir, 1, 0);
        assertEquals(List.of("interrupted", "pending", "pending", "pending"),
                results.stream().map(JobResult::status).toList());
        assertEquals(List.of("0"), ResumeTest.invocations(dir.resolve("out")));
    }
}
