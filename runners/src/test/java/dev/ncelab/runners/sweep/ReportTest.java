package dev.ncelab.runners.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.runners.sweep.SweepSpec.Goal;
import dev.ncelab.runners.sweep.SweepSpec.Metric;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ranking respects the goal, groups give mean and spread, jobs.csv quotes. */
class ReportTest {
    static JobResult row(int index, String status, double a, long seed, double metric) {
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("a", a);
        params.put("seed", seed);
        return new JobResult(new SweepPoint(index, params), status,
                Double.isNaN(metric) ? Map.of() : Map.of("acc", metric, "steps", 10.0), "", null);
    }

    static final List<JobResult> ROWS = List.of(row(0, "finished", 0.5, 1, 0.7), row(1, "failed", 0.5, 2, Double.NaN),
            row(2, "finished", 0.6, 1, 0.9), row(3, "finished", 0.6, 2, 0.8), row(4, "diverged", 0.7, 1, 0.99));

    static SweepPlan plan(Goal goal) {
        return new SweepPlan("r", null, Path.of("/e.yaml"), "grid", new Metric("acc", goal), 0, null, List.of(),
                List.of("a", "seed"), ROWS.stream().map(JobResult::point).toList());
    }

    @Test
    void rankingRespectsTheGoalAndPutsUnfinishedPointsLast() {
        assertEquals(List.of(2, 3, 0, 1, 4), SweepReport.ranked(ROWS, new Metric("acc", Goal.MAXIMIZE)).stream()
                .map(r -> r.point().index()).toList());
        assertEquals(List.of(0, 3, 2, 1, 4), SweepReport.ranked(ROWS, new Metric("acc", Goal.MINIMIZE)).stream()
                .map(r -> r.point().index()).toList());
        String table = SweepReport.render(plan(Goal.MAXIMIZE), ROWS);
        assertTrue(table.contains("best: #2 a=0.6 seed=1  acc 0.9"), table);
        assertTrue(table.contains("5 points (3 finished, 1 failed, 1 diverged), ranked by acc (maximize)"), table);
    }

    @Test
    void groupsAverageOverTheOtherParameters() {
        List<SweepReport.Group> groups = SweepReport.groups(ROWS, "a", new Metric("acc", Goal.MAXIMIZE));
        assertEquals(2, groups.size(), "a = 0.7 only diverged");
        assertEquals(0.5, groups.get(0).value());
        assertEquals(1, groups.get(0).n());
        assertEquals(0.85, groups.get(1).mean(), 1e-12);
        assertEquals(Math.sqrt(0.005), groups.get(1).sd(), 1e-12);
        assertEquals(0.8, groups.get(1).min());
        assertEquals(0.9, groups.get(1).max());
    }

    @Test
    void jobsCsvQuotesCellsWithCommas() {
        SweepPoint p = new SweepPoint(0, Map.of("hidden", List.of(64L, 64L)));
        SweepPlan plan = new SweepPlan("r", null, Path.of("/e.yaml"), "grid", null, 0, null, List.of(),
                List.of("hidden"), List.of(p));
        String csv = JobsCsv.text(plan, List.of(new JobResult(p, "failed", Map.of(), "bad, \"very\"", 1)));
        assertEquals("index,status,hidden,run_dir,overrides,message\n"
                + "0,failed,\"[64,64]\",runs/0,\"hidden=[64,64]\",\"bad, \"\"very\"\"\"\n", csv);
    }
}
