package dev.ncelab.runners.sweep;

import dev.ncelab.plugins.report.RunData;
import dev.ncelab.plugins.report.RunPage;
import dev.ncelab.plugins.report.SweepPage;
import dev.ncelab.runners.sweep.SweepSpec.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sweep's table: points ranked by the metric (its goal respected; points without a value last, by index),
 * the best point, and the metric's mean, spread and range per value of each swept parameter; and its page,
 * {@code report.html} (built by the report plugin's {@link SweepPage} from {@code jobs.csv}).
 */
public final class SweepReport {
    static final List<String> EXTRA = List.of("mse_logp", "test_loglik", "accuracy", "log_z", "steps", "seconds");

    private SweepReport() {}

    /** Writes the sweep's {@code report.html} from its {@code jobs.csv}; returns the page. */
    static Path page(Path dir, SweepPlan plan) {
        return SweepPage.write(dir, dir.resolve("jobs.csv"), sweep(plan));
    }

    static SweepPage.Sweep sweep(SweepPlan plan) {
        return new SweepPage.Sweep(plan.name(), plan.metric() == null ? null : plan.metric().name(),
                plan.metric() != null && plan.metric().goal() == SweepSpec.Goal.MAXIMIZE, plan.parameters());
    }

    /** Whether {@code dir} is a sweep directory (it holds {@code sweep.yaml}). */
    public static boolean isSweepDir(Path dir) {
        return SweepPlan.exists(dir);
    }

    /**
     * {@code ncelab report SWEEP_DIR}: rebuilds every run's page that has a run directory, then the sweep's page
     * from {@code jobs.csv} (which {@code ncelab sweep --collect} rewrites from the runs). Returns the page.
     */
    public static Path rebuild(Path dir) {
        SweepPlan plan = SweepPlan.read(dir);
        if (!java.nio.file.Files.exists(dir.resolve("jobs.csv"))) {
            throw new IllegalArgumentException(dir + " has no jobs.csv yet (a sharded sweep writes jobs-<i>-of-<n>"
                    + ".csv); combine the shards first with: ncelab sweep --collect " + dir);
        }
        for (SweepPoint p : plan.points()) {
            Path run = SweepExecutor.runDir(dir, p);
            if (RunData.isRunDir(run)) {
                RunPage.rebuild(run);
            }
        }
        return page(dir, plan);
    }

    /** The metric's statistics over the finished points that share one value of a parameter. */
    record Group(Object value, int n, double mean, double sd, double min, double max, List<Double> all) {}

    /** Rows ranked best first; rows without a finite metric after them, by index. */
    static List<JobResult> ranked(List<JobResult> rows, Metric metric) {
        List<JobResult> out = new ArrayList<>(rows);
        Comparator<JobResult> byIndex = Comparator.comparingInt(r -> r.point().index());
        if (metric == null) {
            out.sort(byIndex);
            return out;
        }
        Comparator<JobResult> byMetric = (a, b) -> {
            double x = score(a, metric);
            double y = score(b, metric);
            boolean fx = Double.isFinite(x);
            boolean fy = Double.isFinite(y);
            if (fx != fy) {
                return fx ? -1 : 1;
            }
            if (!fx || x == y) {
                return 0;
            }
            return metric.goal().better(x, y) ? -1 : 1;
        };
        out.sort(byMetric.thenComparing(byIndex));
        return out;
    }

    /** The metric of a finished point, else NaN. */
    static double score(JobResult r, Metric metric) {
        return r.finished() ? r.figure(metric.name()) : Double.NaN;
    }

    /** Groups the finished points by the value of one parameter (numbers ascending, others as first seen). */
    static List<Group> groups(List<JobResult> rows, String param, Metric metric) {
        Map<Object, List<Double>> byValue = new LinkedHashMap<>();
        Map<Object, Object> shown = new LinkedHashMap<>();
        for (JobResult r : rows) {
            double v = score(r, metric);
            if (!Double.isFinite(v)) {
                continue;
            }
            Object value = r.point().params().get(param);
            Object key = YamlValues.canonical(value instanceof Number n ? (Object) n.doubleValue() : value);
            byValue.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
            shown.putIfAbsent(key, value);
        }
        List<Group> out = new ArrayList<>();
        byValue.forEach((k, vs) -> {
            double mean = vs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = vs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
            double sd = vs.size() > 1 ? Math.sqrt(ss / (vs.size() - 1)) : 0;
            double min = vs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            double max = vs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            out.add(new Group(shown.get(k), vs.size(), mean, sd, min, max, List.copyOf(vs)));
        });
        if (out.stream().allMatch(g -> g.value() instanceof Number)) {
            out.sort(Comparator.comparingDouble(g -> ((Number) g.value()).doubleValue()));
        }
        return out;
    }

    static String render(SweepPlan plan, List<JobResult> rows) {
        Metric metric = plan.metric();
        StringBuilder sb = new StringBuilder();
        Map<String, Integer> counts = new LinkedHashMap<>();
        rows.forEach(r -> counts.merge(r.status(), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        counts.forEach((s, n) -> parts.add(n + " " + s));
        sb.append("sweep ").append(plan.name()).append(": ").append(rows.size()).append(" points (")
                .append(String.join(", ", parts)).append(')');
        if (metric != null) {
            sb.append(", ranked by ").append(metric.name()).append(" (").append(metric.goal().yaml()).append(')');
        }
        sb.append('\n');
        List<String> extras = new ArrayList<>();
        for (String e : EXTRA) {
            if ((metric == null || !e.equals(metric.name())) && !plan.parameters().contains(e)
                    && rows.stream().anyMatch(r -> r.figures().containsKey(e))) {
                extras.add(e);
            }
        }
        List<String> header = new ArrayList<>(List.of("rank", "#", "status"));
        header.addAll(plan.parameters());
        if (metric != null) {
            header.add(metric.name());
        }
        header.addAll(extras.subList(0, Math.min(4, extras.size())));
        List<List<String>> table = new ArrayList<>();
        table.add(header);
        int rank = 0;
        for (JobResult r : ranked(rows, metric)) {
            List<String> cells = new ArrayList<>();
            boolean ranked = metric != null && Double.isFinite(score(r, metric));
            cells.add(ranked ? Integer.toString(++rank) : "-");
            cells.add(Integer.toString(r.point().index()));
            cells.add(r.status());
            for (String p : plan.parameters()) {
                cells.add(YamlValues.display(r.point().params().get(p)));
            }
            if (metric != null) {
                cells.add(cell(r, metric.name()));
            }
            for (String e : extras.subList(0, Math.min(4, extras.size()))) {
                cells.add(cell(r, e));
            }
            table.add(cells);
        }
        sb.append(columns(table, "  "));
        if (metric == null) {
            return sb.toString();
        }
        List<JobResult> best = ranked(rows, metric);
        if (!best.isEmpty() && Double.isFinite(score(best.get(0), metric))) {
            JobResult b = best.get(0);
            sb.append("best: #").append(b.point().index()).append(' ').append(b.point().label()).append("  ")
                    .append(metric.name()).append(' ').append(YamlValues.compact(score(b, metric)))
                    .append("  (").append(JobResult.runDir(b.point())).append(")\n");
        } else {
            sb.append("no finished point has ").append(metric.name());
            rows.stream().filter(JobResult::finished).findFirst().ifPresent(r -> sb.append("; the summaries hold: ")
                    .append(String.join(", ", r.figures().keySet())));
            sb.append('\n');
        }
        for (String p : plan.parameters()) {
            List<Group> groups = groups(rows, p, metric);
            if (groups.size() < 2 || groups.stream().allMatch(g -> g.n() < 2)) {
                continue;
            }
            sb.append('\n').append(metric.name()).append(" by ").append(p)
                    .append(" (mean +- sd [min, max] over the other parameters):\n");
            List<List<String>> lines = new ArrayList<>();
            for (Group g : groups) {
                lines.add(List.of(YamlValues.display(g.value()), YamlValues.compact(g.mean()), "+-",
                        YamlValues.compact(g.sd()), "[" + YamlValues.compact(g.min()) + ",",
                        YamlValues.compact(g.max()) + "]", "n=" + g.n()));
            }
            sb.append(columns(lines, "  "));
        }
        return sb.toString();
    }

    /** Rows of cells in left-aligned columns. */
    static String columns(List<List<String>> rows, String indent) {
        int[] widths = new int[rows.stream().mapToInt(List::size).max().orElse(0)];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < row.size(); i++) {
                line.append(String.format(Locale.ROOT, "%-" + widths[i] + "s ", row.get(i)));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    private static String cell(JobResult r, String figure) {
        Double v = r.figures().get(figure);
        return v == null ? "" : YamlValues.compact(v);
    }
}
