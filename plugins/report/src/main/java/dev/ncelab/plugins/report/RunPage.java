package dev.ncelab.plugins.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's {@code report.html}: header (status, seed, times, commit), learning curves, the density panels per
 * epoch with a slider and a jet/viridis switch, the summary table and the resolved config.
 */
public final class RunPage {
    public static final String FILE = "report.html";

    private RunPage() {}

    /** Rebuilds {@code <dir>/report.html} from the run directory's files (atomically); returns the page. */
    public static Path write(Path dir) {
        return write(dir, null);
    }

    /**
     * As {@link #write(Path)}, with the status the page shows ({@code null}: the one in {@code metadata.json};
     * the logger passes the status it was told, which metadata.json gets only after the loggers finish).
     */
    public static Path write(Path dir, String status) {
        RunData run = RunData.read(dir);
        Path file = dir.resolve(FILE);
        Page.write(file, html(run, status));
        return file;
    }

    /** Also writes the viridis copies an older run lacks; returns the page. */
    public static Path rebuild(Path dir) {
        Viridis.updateCopies(dir.resolve("plots"));
        return write(dir, null);
    }

    static String html(RunData run, String statusOverride) {
        String status = statusOverride != null ? statusOverride : run.status();
        return Page.html(run.name() + " · " + run.id(), "run", body(run, status), model(run), status.equals("running"));
    }

    static Map<String, Object> model(RunData run) {
        Map<String, Object> cols = Charts.columns(run.metrics());
        Map<String, Double> best = new LinkedHashMap<>();
        if (run.summary().get("best_loglik") instanceof Number n) {
            best.put("best possible (−H of the data)", n.doubleValue());
        }
        List<Map<String, Object>> charts = Charts.charts(List.of(cols), List.of(run.id()), best);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "run");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("label", run.id());
        r.put("columns", Charts.keepUsed(List.of(cols), charts).get(0));
        m.put("runs", List.of(r));
        m.put("charts", charts);
        m.put("epochs", epochs(run, run.dir()));
        return m;
    }

    /** The density plots as links relative to the page's folder, with their viridis copies where they exist. */
    static List<Map<String, Object>> epochs(RunData run, Path pageDir) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path p : run.plots()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("epoch", RunData.epochOf(p));
            e.put("jet", Page.href(pageDir, p));
            Path v = Viridis.copyOf(p);
            e.put("viridis", Files.exists(v) ? Page.href(pageDir, v) : null);
            out.add(e);
        }
        return out;
    }

    private static String body(RunData run, String status) {
        StringBuilder b = new StringBuilder();
        b.append("<header><h1>").append(Page.esc(run.name())).append(" <small>").append(Page.esc(run.id()))
                .append("</small></h1>\n<p class=\"meta\"><span class=\"status ").append(Page.esc(status)).append("\">")
                .append(Page.esc(status)).append("</span>");
        meta(b, "seed", run.metadata().getOrDefault("seed", run.config().get("seed")));
        meta(b, "started", time(run.metadata().get("started")));
        meta(b, "ended", time(run.metadata().get("ended")));
        meta(b, "steps", run.summary().get("steps"));
        meta(b, "seconds", run.summary().get("seconds") instanceof Number n ? Page.fmt(n.doubleValue()) : null);
        meta(b, "commit", run.metadata().get("git_commit") instanceof String s && s.length() > 12 ? s.substring(0, 12)
                : run.metadata().get("git_commit"));
        meta(b, "host", run.metadata().get("host"));
        if (run.summary().get("message") != null) {
            b.append("<br><span class=\"message\">").append(Page.esc(run.summary().get("message"))).append("</span>");
        }
        b.append("</p></header>\n");
        b.append("<section><h2>Learning curves</h2>");
        if (run.metrics().rows() == 0) {
            b.append("<p class=\"empty\">no metric rows yet</p>");
        }
        b.append("<div id=\"charts\" class=\"charts\"></div></section>\n");
        if (!run.plots().isEmpty()) {
            densitySection(b, "Density panels per epoch");
        }
        b.append("<div class=\"columns\"><section><h2>Summary</h2>");
        keyValues(b, run.summary());
        b.append("</section><section><h2>Resolved config</h2><pre class=\"config\">").append(Page.esc(run.configText()))
                .append("</pre>");
        Object command = run.metadata().get("command");
        if (command != null) {
            b.append("<p class=\"meta\">command: <code>").append(Page.esc(command)).append("</code></p>");
        }
        b.append("</section></div>\n");
        return b.toString();
    }

    static void densitySection(StringBuilder b, String title) {
        b.append("<section id=\"density\"><h2>").append(Page.esc(title)).append("</h2>\n<div class=\"controls\">")
                .append("<label>epoch <input type=\"range\" id=\"epoch-slider\" min=\"0\" value=\"0\"></label> ")
                .append("<span id=\"epoch-label\"></span>")
                .append("<span class=\"cmap\">colours: <label><input type=\"radio\" name=\"cmap\" value=\"jet\" checked>"
                        + " jet (as stored, the reference's)</label> <label><input type=\"radio\" name=\"cmap\" "
                        + "value=\"viridis\" id=\"cmap-viridis\"> viridis (perceptually uniform)</label></span>")
                .append("</div>\n<img id=\"density-img\" alt=\"density panels\"></section>\n");
    }

    /** An ISO time to the second, {@code 2026-11-29 23:36:44}. */
    static String time(Object iso) {
        if (iso == null) {
            return null;
        }
        String s = iso.toString().replace('T', ' ');
        return s.length() > 19 && s.charAt(4) == '-' ? s.substring(0, 19) : s;
    }

    private static void meta(StringBuilder b, String key, Object v) {
        if (v != null) {
            b.append(" · ").append(key).append(" <b>").append(Page.esc(v)).append("</b>");
        }
    }

    static void keyValues(StringBuilder b, Map<String, Object> map) {
        if (map.isEmpty()) {
            b.append("<p class=\"empty\">not written yet (the run has not ended)</p>");
            return;
        }
        b.append("<table class=\"kv\"><tbody>");
        map.forEach((k, v) -> b.append("<tr><th>").append(Page.esc(k)).append("</th><td>").append(Page.esc(Page.fmt(v)))
                .append("</td></tr>"));
        b.append("</tbody></table>");
    }
}
