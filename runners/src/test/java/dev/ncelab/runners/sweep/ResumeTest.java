package dev.ncelab.runners.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole sweeps through the CLI with {@link FakeWorker} as each worker's main class (so every point is a real
 * worker JVM): a failing point is recorded and does not stop the others; resume reruns only what did not
 * finish; shards write their own jobs files and collect combines them.
 */
class ResumeTest {
    static final String SWEEP = """
            experiment: e.yaml
            method: grid
            metric: {name: mse_logp, goal: minimize}
            parameters:
              training.lr.energy: {values: [0.002, 0.003]}
              seed: {values: [1, 2]}
            overrides: [training.batch=50]
            """;

    static SweepCli.Result sweep(String... args) {
        String[] all = Stream.concat(Arrays.stream(args), Stream.of("--worker-main", FakeWorker.class.getName(),
                "--progress", "false")).toArray(String[]::new);
        return SweepCli.run(all);
    }

    static List<String> invocations(Path out) throws Exception {
        Path f = out.resolve("invocations.txt");
        return Files.exists(f) ? Files.readAllLines(f).stream().sorted().toList() : List.of();
    }

    static List<String[]> csv(Path file) throws Exception {
        return Files.readAllLines(file).stream().map(l -> l.split(",", -1)).toList();
    }

    static int column(List<String[]> rows, String name) {
        return Arrays.asList(rows.get(0)).indexOf(name);
    }

    @Test
    void aFailedPointIsRecordedAndResumeRerunsOnlyIt(@TempDir Path dir) throws Exception {
        Path sweep = SweepCli.files(dir, SWEEP);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(dir.resolve("fail-2"), "");
        Files.writeString(dir.resolve("diverge-0"), "");
        SweepCli.Result first = sweep(sweep.toString(), "--output", out.toString(), "--workers", "2");
        assertEquals(1, first.code(), first.all());
        assertEquals(List.of("0", "1", "2", "3"), invocations(out));
        List<String[]> jobs = csv(out.resolve("jobs.csv"));
        assertEquals(5, jobs.size(), "a header and four rows");
        int status = column(jobs, "status");
        assertEquals(List.of("diverged", "finished", "failed", "finished"),
                jobs.subList(1, 5).stream().map(r -> r[status]).toList());
        assertEquals("fake failure", jobs.get(3)[column(jobs, "message")]);
        assertTrue(first.out().contains("#2   failed"), first.out());
        String argv = Files.readString(out.resolve("runs/0/argv.txt"));
        assertTrue(argv.contains("training.batch=50\nseed=1\ntraining.lr.energy=0.002\n--group\ns\n--run-dir\n"),
                argv);

        Files.delete(dir.resolve("fail-2"));
        Files.delete(dir.resolve("diverge-0"));
        Files.delete(out.resolve("invocations.txt"));
        SweepCli.Result again = sweep("--resume", out.toString());
        assertEquals(1, again.code(), "a diverged point remains: " + again.all());
        assertEquals(List.of("2"), invocations(out), "only the failed point runs again (diverged is a result)");
        assertTrue(again.out().contains("1 point diverged"), again.out());
        assertTrue(Files.isDirectory(out.resolve("runs/2.attempt-1")), "the failed attempt is kept aside");
        assertTrue(Files.exists(out.resolve("runs/2.attempt-1.log")));
        jobs = csv(out.resolve("jobs.csv"));
        assertEquals(5, jobs.size());
        assertEquals(List.of("diverged", "finished", "finished", "finished"),
                jobs.subList(1, 5).stream().map(r -> r[status]).toList());
        // parameters sorted by name: seed outer, lr inner. mse_logp = (1000 lr - 3)^2 + seed/100: lr 0.003 wins
        // (points 1 and 3), seed 1 before seed 2
        int mse = column(jobs, "mse_logp");
        assertEquals(4, mse, "index, status, the two parameters, then the metric");
        assertEquals(9.5, Double.parseDouble(jobs.get(1)[mse]), "a diverged run's summary figures are kept");
        assertEquals(0.01, Double.parseDouble(jobs.get(2)[mse]), 1e-12);
        String table = again.out();
        List<String> ranked = table.lines().map(l -> l.trim().split("\\s+"))
                .filter(c -> c.length > 3 && c[0].matches("\\d+") && c[2].equals("finished")).map(c -> c[1]).toList();
        assertEquals(List.of("1", "3", "2"), ranked, table);
        assertTrue(table.lines().anyMatch(l -> l.trim().matches("-\\s+0\\s+diverged\\s.*")), "unranked: " + table);
        assertTrue(table.contains("best: #1 seed=1 training.lr.energy=0.003  mse_logp 0.01"), table);
        String page = Files.readString(out.resolve("report.html"));
        assertTrue(page.contains("\"param\":\"seed\"") && page.contains("\"param\":\"training.lr.energy\""),
                "report.html has the metric against each swept parameter");

        Files.delete(out.resolve("invocations.txt"));
        SweepCli.Result third = sweep(sweep.toString(), "--output", out.toString());
        assertEquals(1, third.code(), third.all());
        assertEquals(List.of(), invocations(out), "running into a finished sweep directory runs nothing");
    }

    @Test
    void aKilledWorkerIsRerunAndADifferentSweepIsRefused(@TempDir Path dir) throws Exception {
        Path sweep = SweepCli.files(dir, SWEEP);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(dir.resolve("crash-1"), "");
        SweepCli.Result first = sweep(sweep.toString(), "--output", out.toString(), "--workers", "4");
        assertEquals(1, first.code(), first.all());
        List<String[]> jobs = csv(out.resolve("jobs.csv"));
        assertEquals("failed", jobs.get(2)[1]);
        assertTrue(jobs.get(2)[column(jobs, "message")].startsWith("worker died (exit 3): fake worker crashed"),
                String.join(",", jobs.get(2)));

        Files.writeString(sweep, SWEEP.replace("0.003]", "0.004]"));
        SweepCli.Result other = sweep(sweep.toString(), "--output", out.toString());
        assertEquals(2, other.code());
        assertTrue(other.err().contains("holds a different sweep"), other.err());

        Files.delete(dir.resolve("crash-1"));
        Files.delete(out.resolve("invocations.txt"));
        SweepCli.Result dry = sweep("--resume", out.toString(), "--dry-run");
        assertEquals(0, dry.code(), dry.all());
        assertTrue(dry.out().contains("#1  rerun       seed=1 training.lr.energy=0.003"), dry.out());
        assertTrue(dry.out().contains("#0  finished    seed=1 training.lr.energy=0.002"), dry.out());
        assertEquals(List.of(), invocations(out), "a dry run trains nothing");
        SweepCli.Result again = sweep("--resume", out.toString());
        assertEquals(0, again.code(), again.all());
        assertEquals(List.of("1"), invocations(out));
    }

    @Test
    void shardsShareADirectoryAndCollectCombinesThem(@TempDir Path dir) throws Exception {
        Path sweep = SweepCli.files(dir, SWEEP.replace("[1, 2]", "[1, 2, 3]"));
        Path out = dir.resolve("shared");
        SweepCli.Result s0 = sweep(sweep.toString(), "--shard", "0/4", "--output", out.toString());
        SweepCli.Result s3 = sweep(sweep.toString(), "--shard", "3/4", "--output", out.toString());
        assertEquals(0, s0.code(), s0.all());
        assertEquals(0, s3.code(), s3.all());
        assertEquals(List.of("0", "3", "4"), invocations(out));
        assertEquals(3, csv(out.resolve("jobs-0-of-4.csv")).size(), "points 0 and 4");
        assertEquals(2, csv(out.resolve("jobs-3-of-4.csv")).size(), "point 3");
        assertFalse(Files.exists(out.resolve("jobs.csv")));

        SweepCli.Result collected = SweepCli.run("--collect", out.toString());
        assertEquals(0, collected.code(), collected.all());
        List<String[]> jobs = csv(out.resolve("jobs.csv"));
        assertEquals(7, jobs.size());
        assertEquals(List.of("finished", "pending", "pending", "finished", "finished", "pending"),
                jobs.subList(1, 7).stream().map(r -> r[1]).toList());
        assertTrue(Files.exists(out.resolve("report.html")));
        assertTrue(collected.out().contains("6 points (3 finished, 3 pending)"), collected.out());
        // the other shards finish the sweep
        for (String s : List.of("1/4", "2/4")) {
            assertEquals(0, sweep("--resume", out.toString(), "--shard", s).code());
        }
        SweepCli.run("--collect", out.toString());
        assertTrue(csv(out.resolve("jobs.csv")).subList(1, 7).stream().allMatch(r -> r[1].equals("finished")));
    }
}
