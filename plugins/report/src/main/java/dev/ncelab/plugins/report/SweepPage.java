package dev.ncelab.plugins.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A sweep's {@code report.html}: the {@code jobs.csv} table (sortable by clicking a header, filterable, each
 * row linking to its run's page), the metric against each swept parameter (every point, and the mean and
 * standard deviation over the other parameters), and the learning curves of the best points on shared axes.
 */
public final class SweepPage {
    public static final String FILE = "report.html";
    /** How many of the best points get their curves drawn. */
    static final int BEST = 3;

    /** What the page needs to know that jobs.csv does not say: the metric, its goal and the swept parameters. */
    public record Sweep(String name, String metric, boolean maximize, List<String> parameters) {
        public Sweep {
            parameters = List.copyOf(parameters);
        }
    }

    /** The rows of jobs.csv, cells by column name. */
    record Jobs(List<String> columns, List<Map<String, String>> rows) {}

    private SweepPage() {}

    /** Writes {@code <dir>/report.html} from {@code jobs} (a jobs.csv) atomically; returns the page. */
    public static Path write(Path dir, Path jobs, Sweep sweep) {
        Path file = dir.resolve(FILE);
        Page.write(file, html(dir, read(jobs), sweep));
        return file;
    }

    static Jobs read(Path file) {
        List<Map<String, String>> rows = new ArrayList<>();
        List<String> header;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(in)) {
            header = p.getHeaderNames();
            for (CSVRecord r : p) {
                if (r.size() != header.size()) {
                    throw new ReportException(file + ":" + p.getCurrentLineNumber() + ": " + r.size()
                            + " cells where the header has " + header.size() + "; rewrite it with ncelab sweep "
                            + "--collect <sweep dir>");
                }
                rows.add(r.toMap());
            }
        } catch (IOException | java.io.UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw new ReportException(file + ": not a readable CSV file (" + e.getMessage() + "); rewrite it with "
                    + "ncelab sweep --collect <sweep dir>", e);
        }
        if (!header.contains("index") || !header.contains("status")) {
            throw new ReportException(file + ":1: the header lacks index and status; it is not a sweep's jobs.csv");
        }
        return new Jobs(List.copyOf(header), rows);
    }

    static Double number(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            double d = Double.parseDouble(s.trim());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Finished rows with a finite metric, best first (ties by index). */
    static List<Map<String, String>> ranked(Jobs jobs, Sweep sweep) {
        if (sweep.metric() == null || !jobs.columns().contains(sweep.metric())) {
            return List.of();
        }
        Comparator<Map<String, String>> byMetric = Comparator.comparingDouble(r -> number(r.get(sweep.metric())));
        if (sweep.maximize()) {
            byMetric = byMetric.reversed();
        }
        return jobs.rows().stream().filter(r -> "finished".equals(r.get("status")) && number(r.get(sweep.metric())) != null)
                .sorted(byMetric.thenComparingInt(r -> Integer.parseInt(r.get("index").trim()))).toList();
    }

    /** The metric against one parameter: groups by value, with mean and sd over the other parameters. */
    static Map<String, Object> effect(Jobs jobs, Sweep sweep, String param) {
        Map<String, List<Double>> groups = new LinkedHashMap<>();
        for (Map<String, String> r : ranked(jobs, sweep)) {
            groups.computeIfAbsent(r.getOrDefault(param, ""), k -> new ArrayList<>()).add(number(r.get(sweep.metric())));
        }
        if (groups.size() < 2) {
            return null;
        }
        List<String> values = new ArrayList<>(groups.keySet());
        boolean numeric = values.stream().allMatch(v -> number(v) != null);
        if (numeric) {
            values.sort(Comparator.comparingDouble(SweepPage::number));
        } else {
            List<String> order = new ArrayList<>();
            jobs.rows().forEach(r -> {
                String v = r.getOrDefault(param, "");
                if (groups.containsKey(v) && !order.contains(v)) {
                    order.add(v);
                }
            });
            values = order;
        }
        int k = values.size();
        int depth = groups.values().stream().mapToInt(List::size).max().orElse(0);
        List<Double> x = new ArrayList<>();
        List<Double> mean = new ArrayList<>();
        List<Double> lo = new ArrayList<>();
        List<Double> hi = new ArrayList<>();
        List<List<Double>> points = new ArrayList<>();
        for (int j = 0; j < depth; j++) {
            points.add(new ArrayList<>());
        }
        for (int i = 0; i < k; i++) {
            List<Double> vs = groups.get(values.get(i));
            x.add(numeric ? number(values.get(i)) : (double) i);
            double m = vs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = vs.stream().mapToDouble(v -> (v - m) * (v - m)).sum();
            double sd = vs.size() > 1 ? Math.sqrt(ss / (vs.size() - 1)) : 0;
            mean.add(m);
            lo.add(m - sd);
            hi.add(m + sd);
            for (int j = 0; j < depth; j++) {
                points.get(j).add(j < vs.size() ? vs.get(j) : null);
            }
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("param", param);
        e.put("metric", sweep.metric());
        e.put("categorical", !numeric);
        e.put("labels", values);
        e.put("x", x);
        e.put("mean", mean);
        e.put("lo", lo);
        e.put("hi", hi);
        e.put("points", points);
        return e;
    }

    static Map<String, Object> model(Path dir, Jobs jobs, Sweep sweep) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "sweep");
        List<Map<String, Object>> effects = new ArrayList<>();
        for (String p : sweep.parameters()) {
            Map<String, Object> e = effect(jobs, sweep, p);
            if (e != null) {
                effects.add(e);
            }
        }
        m.put("effects", effects);
        List<Map<String, Object>> cols = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        Map<String, Double> best = new LinkedHashMap<>();
        for (Map<String, String> r : ranked(jobs, sweep)) {
            if (cols.size() == BEST) {
                break;
            }
            Path run = runDir(dir, r);
            if (run == null || !RunData.isRunDir(run)) {
                continue;
            }
            RunData data = RunData.read(run);
            cols.add(Charts.columns(data.metrics()));
            labels.add(label(r, sweep));
            if (best.isEmpty() && data.summary().get("best_loglik") instanceof Number n) {
                best.put("best possible (−H of the data)", n.doubleValue());
            }
        }
        List<Map<String, Object>> charts = Charts.charts(cols, labels, best);
        List<Map<String, Object>> kept = Charts.keepUsed(cols, charts);
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            runs.add(Map.of("label", labels.get(i), "columns", kept.get(i)));
        }
        m.put("runs", runs);
        m.put("charts", charts);
        return m;
    }

    static String label(Map<String, String> row, Sweep sweep) {
        StringBuilder sb = new StringBuilder("#").append(row.get("index"));
        for (String p : sweep.parameters()) {
            sb.append(' ').append(p.substring(p.lastIndexOf('.') + 1)).append('=').append(row.getOrDefault(p, ""));
        }
        return sb.toString();
    }

    static Path runDir(Path dir, Map<String, String> row) {
        String rd = row.get("run_dir");
        if (rd == null || rd.isBlank()) {
            return null;
        }
        Path p = Path.of(rd);
        return p.isAbsolute() ? p : dir.resolve(p);
    }

    static String html(Path dir, Jobs jobs, Sweep sweep) {
        return Page.html("sweep " + sweep.name(), "sweep", body(dir, jobs, sweep), model(dir, jobs, sweep), false);
    }

    private static String body(Path dir, Jobs jobs, Sweep sweep) {
        StringBuilder b = new StringBuilder();
        Map<String, Integer> counts = new LinkedHashMap<>();
        jobs.rows().forEach(r -> counts.merge(r.get("status"), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        counts.forEach((s, n) -> parts.add(n + " " + s));
        List<Map<String, String>> ranked = ranked(jobs, sweep);
        b.append("<header><h1>sweep ").append(Page.esc(sweep.name())).append(" <small>")
                .append(Page.esc(dir.toAbsolutePath().normalize().getFileName())).append("</small></h1>\n<p class=\"meta\">")
                .append(jobs.rows().size()).append(" points (").append(Page.esc(String.join(", ", parts))).append(")");
        if (sweep.metric() != null) {
            b.append(" · ranked by <b>").append(Page.esc(sweep.metric())).append("</b> (")
                    .append(sweep.maximize() ? "maximize" : "minimize").append(")");
        }
        if (!ranked.isEmpty()) {
            b.append(" · best: <b>").append(Page.esc(label(ranked.get(0), sweep))).append("</b> ")
                    .append(Page.esc(sweep.metric())).append(' ')
                    .append(Page.esc(Page.fmt(number(ranked.get(0).get(sweep.metric())))));
        }
        b.append("</p></header>\n");
        if (sweep.metric() != null) {
            b.append("<section><h2>").append(Page.esc(sweep.metric())).append(" against each swept parameter</h2>")
                    .append("<div id=\"effects\" class=\"charts\"></div></section>\n");
            b.append("<section><h2>Learning curves of the best ").append(Math.min(BEST, ranked.size()))
                    .append(" points</h2><div id=\"charts\" class=\"charts\"></div></section>\n");
        }
        b.append("<section><h2>Jobs</h2><p><input class=\"filter\" data-table=\"jobs\" placeholder=\"filter rows "
                + "(words, e.g. finished 0.6)\"> <span id=\"jobs-count\"></span> · click a header to sort</p>\n");
        List<String> shown = new ArrayList<>(List.of("rank"));
        jobs.columns().stream().filter(c -> !Set.of("overrides").contains(c)).forEach(shown::add);
        Map<String, Integer> rank = new LinkedHashMap<>();
        for (int i = 0; i < ranked.size(); i++) {
            rank.put(ranked.get(i).get("index"), i + 1);
        }
        b.append("<div class=\"scroll\"><table id=\"jobs\" class=\"sortable\"><thead><tr>");
        for (String c : shown) {
            boolean num = c.equals("rank") || jobs.rows().stream().map(r -> r.get(c)).filter(s -> s != null && !s.isBlank())
                    .allMatch(s -> number(s) != null);
            b.append("<th data-type=\"").append(num ? "num" : "text").append("\">").append(Page.esc(c)).append("</th>");
        }
        b.append("</tr></thead><tbody>\n");
        for (Map<String, String> r : jobs.rows()) {
            Integer rk = rank.get(r.get("index"));
            b.append("<tr").append(rk != null && rk == 1 ? " class=\"best\"" : "").append(" title=\"")
                    .append(Page.esc(r.getOrDefault("overrides", ""))).append("\">");
            for (String c : shown) {
                String v = c.equals("rank") ? (rk == null ? "" : rk.toString()) : r.getOrDefault(c, "");
                Double n = number(v);
                b.append("<td").append(n != null ? " class=\"num\" data-v=\"" + Page.esc(v) + "\"" : "").append(">");
                Path run = runDir(dir, r);
                if (c.equals("index") && run != null && Files.exists(run.resolve(RunPage.FILE))) {
                    b.append("<a href=\"").append(Page.esc(Page.href(dir, run.resolve(RunPage.FILE)))).append("\">")
                            .append(Page.esc(v)).append("</a>");
                } else if (c.equals("run_dir") && run != null && Files.exists(run.resolve(RunPage.FILE))) {
                    b.append("<a href=\"").append(Page.esc(Page.href(dir, run.resolve(RunPage.FILE)))).append("\">")
                            .append(Page.esc(v)).append("</a>");
                } else {
                    b.append(Page.esc(n != null && !c.equals("index") && !c.equals("rank") ? Page.fmt(n) : v));
                }
                b.append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody></table></div></section>\n");
        return b.toString();
    }
}
