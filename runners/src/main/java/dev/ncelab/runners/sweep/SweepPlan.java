package dev.ncelab.runners.sweep;

import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.run.AtomicFiles;
import dev.ncelab.runners.sweep.SweepSpec.Goal;
import dev.ncelab.runners.sweep.SweepSpec.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A sweep as it runs: the experiment, the fixed overrides and every point. It is written once to {@code
 * <sweep dir>/sweep.yaml} and read back by {@code --resume}, {@code --shard} and {@code --collect}, so a
 * sweep directory is self-contained (the sweep file may change afterwards).
 */
record SweepPlan(String name, Path sweepFile, Path experiment, String method, Metric metric, long seed,
        Integer runCap, List<String> overrides, List<String> parameters, List<SweepPoint> points) {

    static final String FILE = "sweep.yaml";

    static SweepPlan of(SweepSpec spec, List<SweepPoint> points) {
        return new SweepPlan(spec.name(), spec.file().toAbsolutePath().normalize(), spec.experiment(),
                spec.method().yaml(), spec.metric(), spec.seed(), spec.runCap(), spec.overrides(),
                spec.parameters().stream().map(ParamSpec::name).toList(), points);
    }

    /** The same plan ranked by another metric (the sweep file's, when resuming with it). */
    SweepPlan withMetric(Metric m) {
        return new SweepPlan(name, sweepFile, experiment, method, m, seed, runCap, overrides, parameters, points);
    }

    /** Whether two plans run the same work (the metric may differ: it only ranks). */
    boolean sameWork(SweepPlan other) {
        return experiment.equals(other.experiment) && overrides.equals(other.overrides)
                && points.stream().map(SweepPoint::overrides).toList()
                        .equals(other.points.stream().map(SweepPoint::overrides).toList());
    }

    /** What differs, for the error message when it is not {@link #sameWork}. */
    String difference(SweepPlan other) {
        if (!experiment.equals(other.experiment)) {
            return "experiment " + experiment + " vs " + other.experiment;
        }
        if (!overrides.equals(other.overrides)) {
            return "overrides " + overrides + " vs " + other.overrides;
        }
        if (points.size() != other.points.size()) {
            return points.size() + " points vs " + other.points.size();
        }
        for (int i = 0; i < points.size(); i++) {
            if (!points.get(i).overrides().equals(other.points.get(i).overrides())) {
                return "point #" + i + ": " + points.get(i).label() + " vs " + other.points.get(i).label();
            }
        }
        return "nothing";
    }

    String yaml() {
        StringBuilder sb = new StringBuilder();
        sb.append("# ncelab sweep: the expanded points. Runs are in runs/<index>; `ncelab sweep --resume <this "
                + "directory>`\n# reruns the unfinished ones, `ncelab sweep --collect <this directory>` tabulates.\n");
        sb.append("name: ").append(YamlValues.string(name)).append('\n');
        sb.append("sweep_file: ").append(sweepFile == null ? "null" : YamlValues.string(sweepFile.toString()))
                .append('\n');
        sb.append("experiment: ").append(YamlValues.string(experiment.toString())).append('\n');
        sb.append("method: ").append(method).append('\n');
        if (metric != null) {
            sb.append("metric: {name: ").append(YamlValues.string(metric.name())).append(", goal: ")
                    .append(metric.goal().yaml()).append("}\n");
        }
        sb.append("seed: ").append(seed).append('\n');
        sb.append("run_cap: ").append(runCap == null ? "null" : runCap.toString()).append('\n');
        sb.append("overrides: ").append(list(overrides)).append('\n');
        sb.append("parameters: ").append(list(parameters)).append('\n');
        sb.append("points:\n");
        for (SweepPoint p : points) {
            sb.append("- index: ").append(p.index()).append('\n');
            sb.append("  params: {");
            int i = 0;
            for (Map.Entry<String, Object> e : p.params().entrySet()) {
                sb.append(i++ > 0 ? ", " : "").append(YamlValues.string(e.getKey())).append(": ")
                        .append(YamlValues.text(e.getValue()));
            }
            sb.append("}\n");
            sb.append("  overrides: ").append(list(p.overrides())).append('\n');
        }
        return sb.toString();
    }

    private static String list(List<String> items) {
        return "[" + String.join(", ", items.stream().map(YamlValues::string).toList()) + "]";
    }

    void write(Path dir) {
        AtomicFiles.writeString(dir.resolve(FILE), yaml());
    }

    static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    /** Reads {@code <dir>/sweep.yaml}; a file that is not one throws a {@link ConfigException}. */
    @SuppressWarnings("unchecked")
    static SweepPlan read(Path dir) {
        Path file = dir.resolve(FILE);
        ConfigDocument doc = ConfigDocument.load(file);
        Object root = YamlValues.of(doc.root());
        try {
            Map<String, Object> m = (Map<String, Object>) root;
            Metric metric = null;
            if (m.get("metric") instanceof Map<?, ?> mm) {
                metric = new Metric((String) mm.get("name"), "maximize".equals(mm.get("goal")) ? Goal.MAXIMIZE
                        : Goal.MINIMIZE);
            }
            List<SweepPoint> points = new ArrayList<>();
            for (Object o : (List<Object>) m.get("points")) {
                Map<String, Object> p = (Map<String, Object>) o;
                Map<String, Object> params = new LinkedHashMap<>();
                ((Map<Object, Object>) p.get("params")).forEach((k, v) -> params.put(String.valueOf(k), v));
                int index = ((Number) p.get("index")).intValue();
                if (index != points.size()) {
                    throw new IllegalStateException("point indices are not 0, 1, 2, ...");
                }
                points.add(new SweepPoint(index, params));
            }
            Object sweepFile = m.get("sweep_file");
            Object cap = m.get("run_cap");
            return new SweepPlan(Objects.requireNonNull((String) m.get("name")),
                    sweepFile == null ? null : Path.of((String) sweepFile),
                    Path.of((String) Objects.requireNonNull(m.get("experiment"))), String.valueOf(m.get("method")),
                    metric, ((Number) m.getOrDefault("seed", 0L)).longValue(),
                    cap == null ? null : ((Number) cap).intValue(), strings(m.get("overrides")),
                    strings(m.get("parameters")), List.copyOf(points));
        } catch (RuntimeException e) {
            throw new ConfigException(file.toString(), "", "not a sweep directory's " + FILE + " (" + e + ")");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        return o == null ? List.of() : ((List<Object>) o).stream().map(String::valueOf).toList();
    }
}
