package dev.ncelab.plugins.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Learning-curve charts from runs' {@code metrics.csv}: known columns grouped (the objective value, accuracy,
 * learned log Z beside its quadrature, log-density MSE, held-out log-likelihoods, who trained in FCE), every
 * other numeric column on its own; a column no run has is absent. The page model is plain maps (JSON).
 */
final class Charts {
    /** At most this many rows per run go into a page (more are thinned, evaluation rows kept). */
    static final int MAX_ROWS = 10_000;
    /** Derived from {@code trained}: 1 where the EBM trained, 0 where the noise model did. */
    static final String EBM_TRAINED = "ebm_trained";

    private record Group(String id, String title, List<String> columns) {}

    private static final List<Group> GROUPS = List.of(
            new Group("loss", "the objective's loss (nce_loss = −V, log 4 at chance; ranking_loss; nll of a flow alone; "
                    + "cd_loss; dsm_loss)", List.of("nce_loss", "ranking_loss", "nll", "cd_loss", "dsm_loss",
                    "value")),
            new Group("accuracy", "classifier accuracy", List.of("accuracy")),
            new Group("log_z", "log Z: learned c beside the model's normaliser (quadrature, importance sampling)",
                    List.of("log_z", "log_z_quadrature", "log_z_is")),
            new Group("mse_logp", "log-density MSE against the truth (held out)", List.of("mse_logp")),
            new Group("loglik", "held-out log-likelihood (nats per point)", List.of("test_loglik",
                    "flow_test_loglik")),
            new Group("players", "who trained (1 = EBM, 0 = flow) and the running EBM fraction",
                    List.of(EBM_TRAINED, "energy_fraction")));

    /** Not charted: the x axis and bookkeeping. */
    private static final Set<String> SKIP = Set.of("step", "epoch", "seconds", "trained");

    private Charts() {}

    /** One run's columns as the page needs them: numbers (null for gaps) plus {@code ebm_trained}. */
    static Map<String, Object> columns(Metrics m) {
        Metrics t = m.thin(MAX_ROWS);
        Map<String, Object> out = new LinkedHashMap<>();
        t.numbers().forEach(out::put);
        String[] trained = t.texts().get("trained");
        if (trained != null && Arrays.stream(trained).anyMatch(s -> s != null && !s.equals("energy"))) {
            Double[] e = new Double[trained.length];
            for (int i = 0; i < e.length; i++) {
                e[i] = trained[i] == null ? null : trained[i].equals("energy") ? 1.0 : 0.0;
            }
            out.put(EBM_TRAINED, e);
        }
        return out;
    }

    /**
     * Charts over several runs' columns (one line per run and column). {@code best} holds horizontal reference
     * lines by chart id (the data's best log-likelihood).
     */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> charts(List<Map<String, Object>> runColumns, List<String> runLabels,
            Map<String, Double> bestLoglik) {
        List<Map<String, Object>> charts = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        for (Group g : GROUPS) {
            List<Map<String, Object>> lines = new ArrayList<>();
            for (String c : g.columns()) {
                for (int r = 0; r < runColumns.size(); r++) {
                    if (hasValues(runColumns.get(r), c) && worthShowing(c, runColumns.get(r))) {
                        lines.add(line(r, c, runColumns.size() == 1 ? c : runLabels.get(r) + (g.columns().size() > 1
                                ? " · " + c : ""), c.equals(EBM_TRAINED)));
                    }
                }
                used.add(c);
            }
            if (!lines.isEmpty()) {
                Map<String, Object> chart = chart(g.id(), g.title(), lines);
                if (g.id().equals("loglik")) {
                    List<Map<String, Object>> h = new ArrayList<>();
                    bestLoglik.forEach((label, v) -> h.add(Map.of("label", label, "value", v)));
                    chart.put("hlines", h);
                }
                if (g.id().equals("players") || g.id().equals("accuracy")) {
                    chart.put("range", List.of(0, 1));
                }
                charts.add(chart);
            }
        }
        Set<String> others = new LinkedHashSet<>();
        runColumns.forEach(rc -> others.addAll(rc.keySet()));
        for (String c : others) {
            if (used.contains(c) || SKIP.contains(c)) {
                continue;
            }
            List<Map<String, Object>> lines = new ArrayList<>();
            for (int r = 0; r < runColumns.size(); r++) {
                if (hasValues(runColumns.get(r), c) && worthShowing(c, runColumns.get(r))) {
                    lines.add(line(r, c, runColumns.size() == 1 ? c : runLabels.get(r), false));
                }
            }
            if (!lines.isEmpty()) {
                charts.add(chart(c, c, lines));
            }
        }
        return charts;
    }

    private static boolean hasValues(Map<String, Object> cols, String c) {
        return cols.get(c) instanceof Double[] a && Arrays.stream(a).anyMatch(x -> x != null);
    }

    /**
     * A counter of skipped steps that stayed 0 says nothing, nor does the EBM's fraction of steps when it trained
     * every step (NCE): left out.
     */
    private static boolean worthShowing(String c, Map<String, Object> cols) {
        if (c.equals("energy_fraction")) {
            return cols.containsKey(EBM_TRAINED);
        }
        if (!c.equals("nonfinite_steps")) {
            return true;
        }
        return Arrays.stream((Double[]) cols.get(c)).anyMatch(x -> x != null && x != 0);
    }

    private static Map<String, Object> line(int run, String column, String label, boolean step) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("run", run);
        l.put("column", column);
        l.put("label", label);
        l.put("step", step);
        return l;
    }

    private static Map<String, Object> chart(String id, String title, List<Map<String, Object>> lines) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("title", title);
        c.put("lines", lines);
        return c;
    }

    /** The columns the charts use, so a page carries no unused arrays; {@code step} always. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> keepUsed(List<Map<String, Object>> runColumns, List<Map<String, Object>> charts) {
        List<Set<String>> used = new ArrayList<>();
        runColumns.forEach(r -> used.add(new LinkedHashSet<>(List.of("step"))));
        for (Map<String, Object> c : charts) {
            for (Map<String, Object> l : (List<Map<String, Object>>) c.get("lines")) {
                used.get((Integer) l.get("run")).add((String) l.get("column"));
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int r = 0; r < runColumns.size(); r++) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (String c : used.get(r)) {
                if (runColumns.get(r).containsKey(c)) {
                    m.put(c, runColumns.get(r).get(c));
                }
            }
            out.add(m);
        }
        return out;
    }
}
