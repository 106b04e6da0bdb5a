package dev.ncelab.plugins.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Several runs on one page: their learning curves on shared axes (one colour per run), summaries and configs
 * side by side with the keys whose values differ highlighted, and each run's last density plot.
 */
public final class ComparePage {
    private ComparePage() {}

    /** Writes the comparison of {@code runs} to {@code file} (atomically); returns it. */
    public static Path write(Path file, List<Path> runs) {
        if (runs.size() < 2) {
            throw new ReportException("compare needs at least two run directories, found " + runs.size());
        }
        List<RunData> data = runs.stream().map(RunData::read).toList();
        Path dir = file.toAbsolutePath().getParent();
        Page.write(file, html(dir, data));
        return file;
    }

    /** Short labels: A, B, C, ... with the run's id. */
    static List<String> labels(List<RunData> runs) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            out.add(letter(i) + " " + runs.get(i).name());
        }
        return out;
    }

    private static String letter(int i) {
        return i < 26 ? String.valueOf((char) ('A' + i)) : "R" + (i + 1);
    }

    /** Every config key of any run, in first-seen order, with each run's value ({@code null}: absent). */
    static Map<String, List<String>> configTable(List<RunData> runs) {
        List<Map<String, String>> flat = runs.stream().map(RunData::flatConfig).toList();
        Set<String> keys = new LinkedHashSet<>();
        flat.forEach(f -> keys.addAll(f.keySet()));
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String k : keys) {
            List<String> vs = new ArrayList<>();
            flat.forEach(f -> vs.add(f.get(k)));
            out.put(k, vs);
        }
        return out;
    }

    /** The keys whose values are not all equal. */
    static Set<String> differing(Map<String, List<String>> table) {
        Set<String> out = new LinkedHashSet<>();
        table.forEach((k, vs) -> {
            if (vs.stream().distinct().count() > 1) {
                out.add(k);
            }
        });
        return out;
    }

    static Map<String, Object> model(List<RunData> runs) {
        List<String> labels = labels(runs);
        List<Map<String, Object>> cols = runs.stream().map(r -> Charts.columns(r.metrics())).toList();
        Map<String, Double> best = new LinkedHashMap<>();
        runs.stream().map(r -> r.summary().get("best_loglik")).filter(Objects::nonNull).distinct()
                .forEach(v -> best.put("best possible (−H of the data)" + (best.isEmpty() ? "" : " " + (best.size() + 1)),
                        ((Number) v).doubleValue()));
        List<Map<String, Object>> charts = Charts.charts(cols, labels, best);
        List<Map<String, Object>> kept = Charts.keepUsed(cols, charts);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            out.add(Map.of("label", labels.get(i), "columns", kept.get(i)));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "compare");
        m.put("runs", out);
        m.put("charts", charts);
        return m;
    }

    static String html(Path pageDir, List<RunData> runs) {
        return Page.html("compare " + runs.size() + " runs", "compare", body(pageDir, runs), model(runs), false);
    }

    private static String body(Path pageDir, List<RunData> runs) {
        List<String> labels = labels(runs);
        StringBuilder b = new StringBuilder();
        b.append("<header><h1>").append(runs.size()).append(" runs compared</h1><ul class=\"meta\">");
        for (int i = 0; i < runs.size(); i++) {
            RunData r = runs.get(i);
            b.append("<li><b>").append(Page.esc(labels.get(i))).append("</b> ");
            Path page = r.dir().resolve(RunPage.FILE);
            if (java.nio.file.Files.exists(page)) {
                b.append("<a href=\"").append(Page.esc(Page.href(pageDir, page))).append("\">").append(Page.esc(r.id()))
                        .append("</a>");
            } else {
                b.append(Page.esc(r.id()));
            }
            b.append(" <span class=\"status ").append(Page.esc(r.status())).append("\">").append(Page.esc(r.status()))
                    .append("</span></li>");
        }
        b.append("</ul></header>\n<section><h2>Learning curves</h2><div id=\"charts\" class=\"charts\"></div></section>\n");
        Map<String, List<String>> config = configTable(runs);
        Set<String> diff = differing(config);
        b.append("<section><h2>Config</h2><p>").append(diff.size()).append(" of ").append(config.size())
                .append(" keys differ (highlighted) · <label><input type=\"checkbox\" id=\"only-diff\" "
                        + "data-table=\"config\"> only the differing keys</label></p>\n");
        b.append("<div class=\"scroll\"><table id=\"config\"><thead><tr><th>key</th>");
        labels.forEach(l -> b.append("<th>").append(Page.esc(l)).append("</th>"));
        b.append("</tr></thead><tbody>\n");
        config.forEach((k, vs) -> {
            b.append("<tr").append(diff.contains(k) ? " class=\"diff\"" : "").append("><th>").append(Page.esc(k))
                    .append("</th>");
            vs.forEach(v -> b.append("<td>").append(v == null ? "<span class=\"empty\">absent</span>" : Page.esc(v))
                    .append("</td>"));
            b.append("</tr>\n");
        });
        b.append("</tbody></table></div></section>\n");
        Set<String> keys = new LinkedHashSet<>();
        runs.forEach(r -> keys.addAll(r.summary().keySet()));
        b.append("<section><h2>Summary</h2><div class=\"scroll\"><table id=\"summary\"><thead><tr><th>figure</th>");
        labels.forEach(l -> b.append("<th>").append(Page.esc(l)).append("</th>"));
        b.append("</tr></thead><tbody>\n");
        for (String k : keys) {
            b.append("<tr><th>").append(Page.esc(k)).append("</th>");
            runs.forEach(r -> {
                Object v = r.summary().get(k);
                b.append("<td class=\"num\">").append(Page.esc(Page.fmt(v))).append("</td>");
            });
            b.append("</tr>\n");
        }
        b.append("</tbody></table></div></section>\n");
        if (runs.stream().anyMatch(r -> !r.plots().isEmpty())) {
            b.append("<section><h2>Last density panels</h2><div class=\"runs-density\">");
            for (int i = 0; i < runs.size(); i++) {
                List<Path> plots = runs.get(i).plots();
                if (plots.isEmpty()) {
                    continue;
                }
                Path last = plots.get(plots.size() - 1);
                b.append("<figure><figcaption>").append(Page.esc(labels.get(i))).append(" · epoch ")
                        .append(RunData.epochOf(last)).append("</figcaption><img alt=\"density panels\" src=\"")
                        .append(Page.esc(Page.href(pageDir, last))).append("\"></figure>");
            }
            b.append("</div></section>\n");
        }
        return b.toString();
    }
}
