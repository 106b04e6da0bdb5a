package dev.ncelab.runners.sweep;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.ConfigBinder;
import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.config.ConfigError;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.config.Names;
import dev.ncelab.core.config.Param;
import dev.ncelab.runners.sweep.SweepSpec.Goal;
import dev.ncelab.runners.sweep.SweepSpec.Method;
import dev.ncelab.runners.sweep.SweepSpec.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a sweep file (W&B's sweep format, §5 of the protocol notes) into a {@link SweepSpec}. Loading is
 * {@link ConfigDocument}'s: composed nodes only, bounded aliases and depth, plain YAML types only. Values are
 * bound by the experiments' {@link ConfigBinder} onto records ({@link SweepConfig}, {@link MetricConfig}, one
 * {@link SpecConfig} per parameter); this class adds what is particular to sweeps (the nesting of parameters,
 * which keys a distribution takes, the grid's size). Every problem is collected and thrown once as a {@link
 * ConfigException} naming the line and dotted key.
 */
final class SweepFile {
    static final List<String> KEYS = List.of("name", "experiment", "method", "metric", "parameters", "run_cap",
            "seed", "overrides", "description");
    /** W&B keys that only matter to the W&B service or agent: accepted and ignored here. */
    static final List<String> WANDB_ONLY = List.of("program", "command", "project", "entity");
    /** W&B keys for features a local sweep does not have. */
    static final List<String> UNSUPPORTED = List.of("early_terminate", "metrics", "controller", "scheduler",
            "apiVersion", "kind", "job", "image_uri");
    static final List<String> SPEC_KEYS = List.of("value", "values", "probabilities", "distribution", "min", "max",
            "q", "mu", "sigma", "a", "b", "parameters");
    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final Pattern OVERRIDE = Pattern.compile("(--)?[A-Za-z0-9_][A-Za-z0-9_.-]*=.*", Pattern.DOTALL);

    /** The top-level scalar keys, bound by {@link ConfigBinder} as an experiment's sections are. */
    record SweepConfig(
            @Param(doc = "the sweep's name; it names a directory (null: the file's name)", value = "null") String name,
            @Param(doc = "the experiment YAML to sweep over, relative to this file (e.g. experiment: "
                    + "fce-maf-8gaussians.yaml; required)", value = "null") String experiment,
            @Param(doc = "grid or random (required)", value = "null") String method,
            @Param(doc = "points of a random search (and at most this many of a grid)", value = "null")
                    Integer runCap,
            @Param(doc = "seed of the random search", value = "0") long seed,
            @Param(doc = "free text", value = "null") Object description,
            @Param(doc = "W&B agent only: ignored here", value = "null") Object program,
            @Param(doc = "W&B agent only: ignored here", value = "null") Object command,
            @Param(doc = "W&B agent only: ignored here", value = "null") Object project,
            @Param(doc = "W&B agent only: ignored here", value = "null") Object entity) {
        SweepConfig {
            if (runCap != null) {
                Checks.that(runCap >= 1 && runCap <= 1_000_000, "run_cap", "expected a whole number >= 1, found "
                        + runCap);
            }
        }
    }

    /** {@code metric: {name, goal}}. */
    record MetricConfig(
            @Param(doc = "a figure of summary.json, e.g. mse_logp") String name,
            @Param(doc = "minimize or maximize", value = "minimize") String goal) {}

    /** One parameter's spec; which keys it takes depends on its distribution (checked after binding). */
    record SpecConfig(
            @Param(doc = "the one value (constant)", value = "null") Object value,
            @Param(doc = "the values (categorical)", value = "null") Object values,
            @Param(doc = "a probability per value (random search)", value = "null") List<Number> probabilities,
            @Param(doc = "the distribution's name", value = "null") String distribution,
            @Param(doc = "lower bound", value = "null") Number min,
            @Param(doc = "upper bound", value = "null") Number max,
            @Param(doc = "quantum", value = "1") Number q,
            @Param(doc = "mean (normal)", value = "0") Number mu,
            @Param(doc = "standard deviation (normal)", value = "1") Number sigma,
            @Param(doc = "beta's a", value = "1") Number a,
            @Param(doc = "beta's b", value = "1") Number b) {}

    private final ConfigDocument doc;
    private final ConfigBinder binder;
    private final List<ConfigError> errors;

    private SweepFile(ConfigDocument doc) {
        this.doc = doc;
        this.binder = new ConfigBinder(doc);
        this.errors = binder.errors(); // one list: the binder's errors and this class's, thrown together
    }

    /** Reads and validates a sweep file, or throws every problem at once. */
    static SweepSpec load(Path file) {
        return new SweepFile(ConfigDocument.load(file)).read(file);
    }

    /** Reads sweep text as if it were the given file (tests). */
    static SweepSpec parse(String text, Path file) {
        return new SweepFile(ConfigDocument.parse(text, file.toString())).read(file);
    }

    private SweepSpec read(Path file) {
        MappingNode root = doc.root();
        for (NodeTuple t : root.getValue()) {
            String key = key(t);
            if (UNSUPPORTED.contains(key)) {
                error(t.getKeyNode(), key, "not supported by local sweeps (grid and random search only); remove it");
            } else if (!KEYS.contains(key) && !WANDB_ONLY.contains(key)) {
                error(t.getKeyNode(), key, "unknown key" + Names.didYouMean(key, KEYS) + "; the keys are: "
                        + String.join(", ", KEYS));
            }
        }
        Set<String> handled = new HashSet<>(List.of("metric", "parameters", "overrides"));
        root.getValue().forEach(t -> {
            if (!keysOf(SweepConfig.class).contains(key(t))) {
                handled.add(key(t)); // reported above
            }
        });
        if (!has(root, "experiment")) {
            error(root, "experiment", "required key is missing: the experiment YAML to sweep over, relative to "
                    + "this file (e.g. experiment: fce-maf-8gaussians.yaml)");
        }
        if (!has(root, "method")) {
            error(root, "method", "required key is missing: grid or random");
        }
        SweepConfig c = binder.bind(SweepConfig.class, root, "", handled);
        String defaultName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        String name = c == null || c.name() == null ? defaultName : c.name();
        if (c != null && c.name() != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            error(get(root, "name"), "name", "expected letters, digits, '.', '_' or '-' (it names a directory), "
                    + "found '" + name + "'");
        }
        Path experiment = c == null || !has(root, "experiment") ? null : experiment(get(root, "experiment"),
                c.experiment() == null ? "" : c.experiment(), file);
        Method method = c == null || !has(root, "method") ? null : method(get(root, "method"),
                c.method() == null ? "" : c.method());
        Metric metric = metric(root);
        Integer runCap = c == null ? null : c.runCap();
        long seed = c == null ? 0 : c.seed();
        Node capNode = get(root, "run_cap");
        List<String> overrides = overrides(root);
        List<ParamSpec> parameters = new ArrayList<>();
        Node params = get(root, "parameters");
        if (params == null) {
            error(root, "parameters", "required key is missing: the parameters to sweep, e.g. "
                    + "parameters: {schedule.threshold: {values: [0.5, 0.6]}}");
        } else if (!(params instanceof MappingNode pm) || pm.getValue().isEmpty()) {
            error(params, "parameters", "expected a mapping of at least one parameter name to its spec, found "
                    + describe(params));
        } else {
            parameters(pm, "", parameters);
        }
        if (method == Method.GRID) {
            long size = 1;
            for (ParamSpec p : parameters) {
                if (!p.distribution().gridable()) {
                    errors.add(new ConfigError(p.location(), "parameters." + p.name(), "grid search takes value, "
                            + "values, integer min/max or q_uniform; distribution " + p.distribution().yaml()
                            + " needs method: random"));
                } else if (p.probabilities() != null) {
                    errors.add(new ConfigError(p.location(), "parameters." + p.name() + ".probabilities",
                            "not allowed in grid search (every value is run); use method: random"));
                } else {
                    long n = p.gridSize();
                    if (n <= 0) {
                        errors.add(new ConfigError(p.location(), "parameters." + p.name(), "the grid has no values "
                                + "(q_uniform takes min <= value < max)"));
                    }
                    size = Math.multiplyExact(size, Math.max(1, Math.min(n, ParamSpec.MAX_GRID_VALUES + 1)));
                    if (size > ParamSpec.MAX_GRID_VALUES) {
                        errors.add(new ConfigError(p.location(), "parameters." + p.name(), "the grid has more than "
                                + ParamSpec.MAX_GRID_VALUES + " points; narrow it or set method: random with run_cap"));
                        size = 1;
                    }
                }
            }
        }
        if (method == Method.RANDOM && capNode == null) {
            error(get(root, "method"), "run_cap", "required with method: random (the number of points to draw)");
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new SweepSpec(name, file, experiment, method, metric, List.copyOf(parameters), runCap, seed,
                List.copyOf(overrides));
    }

    private Path experiment(Node node, String value, Path file) {
        if (!(node instanceof ScalarNode s) || s.getTag() != Tag.STR || value.isBlank()) {
            error(node, "experiment", "expected a file name, found " + describe(node));
            return null;
        }
        Path dir = file.toAbsolutePath().getParent();
        Path path = dir.resolve(value).normalize();
        if (!Files.isRegularFile(path)) {
            error(node, "experiment", "no such file: " + path + " (the path is relative to the sweep file)");
            return null;
        }
        return path;
    }

    private Method method(Node node, String m) {
        return switch (m) {
            case "grid" -> Method.GRID;
            case "random" -> Method.RANDOM;
            default -> {
                error(node, "method", "unknown method " + describe(node) + (m.equals("bayes") || m.equals("custom")
                        ? " (W&B's service runs it; local sweeps do not)" : Names.didYouMean(m, List.of("grid",
                        "random"))) + "; expected grid or random");
                yield null;
            }
        };
    }

    private Metric metric(MappingNode root) {
        Node node = get(root, "metric");
        if (node == null) {
            return null;
        }
        if (!(node instanceof MappingNode m)) {
            error(node, "metric", "expected {name: <summary figure>, goal: minimize|maximize}, found "
                    + describe(node));
            return null;
        }
        for (NodeTuple t : m.getValue()) {
            String k = key(t);
            if (!k.equals("name") && !k.equals("goal")) {
                error(t.getKeyNode(), "metric." + k, List.of("target", "impute", "impute_while_running").contains(k)
                        ? "not supported by local sweeps; remove it" : "unknown key" + Names.didYouMean(k,
                        List.of("name", "goal")) + "; the keys are: name, goal");
            }
        }
        if (!has(m, "name")) {
            error(m, "metric.name", "required key is missing: a figure of summary.json, e.g. mse_logp");
            return null;
        }
        Set<String> others = new HashSet<>();
        m.getValue().forEach(t -> others.add(key(t)));
        others.removeAll(List.of("name", "goal"));
        MetricConfig c = binder.bind(MetricConfig.class, m, "metric", others);
        if (c == null) {
            return null;
        }
        if (c.name() == null || c.name().isBlank() || ((ScalarNode) get(m, "name")).getTag() != Tag.STR) {
            error(get(m, "name"), "metric.name", "expected the name of a summary figure, found "
                    + describe(get(m, "name")));
            return null;
        }
        Goal goal = switch (c.goal()) {
            case "minimize" -> Goal.MINIMIZE;
            case "maximize" -> Goal.MAXIMIZE;
            default -> {
                error(get(m, "goal"), "metric.goal", "expected minimize or maximize, found " + describe(get(m, "goal"))
                        + Names.didYouMean(c.goal(), List.of("minimize", "maximize")));
                yield null;
            }
        };
        return goal == null ? null : new Metric(c.name(), goal);
    }

    private List<String> overrides(MappingNode root) {
        List<String> out = new ArrayList<>();
        Node node = get(root, "overrides");
        if (node == null) {
            return out;
        }
        if (!(node instanceof SequenceNode seq)) {
            error(node, "overrides", "expected a list of key=value strings (e.g. [training.max_steps=1500]), found "
                    + describe(node));
            return out;
        }
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            if (item instanceof ScalarNode s && OVERRIDE.matcher(s.getValue()).matches()) {
                out.add(s.getValue());
            } else {
                error(item, "overrides[" + i + "]", "expected key.path=value, found " + describe(item)
                        + (item instanceof MappingNode ? " (write key=value with no space after '=', or quote it)"
                        : ""));
            }
        }
        return out;
    }

    /** Flattens a {@code parameters:} mapping, sorted by name at each level as W&B does. */
    private void parameters(MappingNode map, String prefix, List<ParamSpec> out) {
        List<NodeTuple> tuples = new ArrayList<>(map.getValue());
        tuples.sort(Comparator.comparing(SweepFile::key));
        Set<String> seen = new HashSet<>();
        out.forEach(p -> seen.add(p.name()));
        for (NodeTuple t : tuples) {
            String local = key(t);
            String name = prefix + local;
            String where = "parameters." + name;
            if (!PARAM_NAME.matcher(local).matches()) {
                error(t.getKeyNode(), where, "a parameter name is letters, digits, '_', '.' and '-', starting with a "
                        + "letter or '_'");
                continue;
            }
            if (!seen.add(name)) {
                error(t.getKeyNode(), where, "the parameter is given twice");
                continue;
            }
            Node spec = t.getValueNode();
            if (!(spec instanceof MappingNode sm)) {
                error(spec, where, "expected a spec such as {values: [...]}, {value: x} or {min: a, max: b}, found "
                        + describe(spec) + (spec instanceof SequenceNode ? " (write {values: [...]})" : ""));
                continue;
            }
            Node nested = get(sm, "parameters");
            if (nested != null) {
                if (sm.getValue().size() > 1) {
                    error(sm, where, "a nested parameter holds only parameters:");
                } else if (!(nested instanceof MappingNode nm) || nm.getValue().isEmpty()) {
                    error(nested, where + ".parameters", "expected a mapping of parameters, found " + describe(nested));
                } else {
                    parameters(nm, name + ".", out);
                    out.forEach(p -> seen.add(p.name()));
                }
                continue;
            }
            ParamSpec p = spec(name, sm);
            if (p != null) {
                out.add(p);
            }
        }
    }

    private ParamSpec spec(String name, MappingNode sm) {
        String where = "parameters." + name;
        int before = errors.size();
        Set<String> unknown = new HashSet<>();
        for (NodeTuple t : sm.getValue()) {
            String k = key(t);
            if (!SPEC_KEYS.contains(k)) {
                unknown.add(k);
                error(t.getKeyNode(), where + "." + k, "unknown key" + Names.didYouMean(k, SPEC_KEYS)
                        + "; a parameter takes: " + String.join(", ", SPEC_KEYS));
            }
        }
        Distribution d = null;
        Node dn = get(sm, "distribution");
        if (dn != null) {
            String text = dn instanceof ScalarNode s ? s.getValue() : "";
            d = Distribution.of(text);
            if (d == null) {
                error(dn, where + ".distribution", "unknown distribution " + describe(dn)
                        + Names.didYouMean(text, Distribution.names()) + "; expected one of: "
                        + String.join(", ", Distribution.names()));
                return null;
            }
        } else if (has(sm, "value")) {
            d = Distribution.CONSTANT;
        } else if (has(sm, "values")) {
            d = Distribution.CATEGORICAL;
        } else if (has(sm, "min") || has(sm, "max")) {
            if (!has(sm, "min") || !has(sm, "max")) {
                error(sm, where + (has(sm, "min") ? ".max" : ".min"), "required key is missing: a range needs "
                        + "both min and max");
                return null;
            }
        } else {
            error(sm, where, "expected one of value, values, min and max, distribution, or parameters");
            return null;
        }
        if (errors.size() > before) {
            return null;
        }
        SpecConfig c = binder.bind(SpecConfig.class, sm, where, unknown);
        if (c == null) {
            return null;
        }
        if (d == null) { // min and max without a distribution: int_uniform if both are whole numbers
            if ((c.min() instanceof Long) != (c.max() instanceof Long)) {
                error(sm, where, "min and max must both be whole numbers (int_uniform) or both have a decimal "
                        + "point (uniform), found " + text(get(sm, "min")) + " and " + text(get(sm, "max"))
                        + "; or name the distribution");
                return null;
            }
            d = c.min() instanceof Long ? Distribution.INT_UNIFORM : Distribution.UNIFORM;
        }
        for (NodeTuple t : sm.getValue()) {
            String k = key(t);
            if (SPEC_KEYS.contains(k) && !k.equals("distribution") && !d.keys().contains(k)) {
                error(t.getKeyNode(), where + "." + k, "does not apply to distribution " + d.yaml()
                        + " (it takes " + String.join(", ", d.keys().stream().sorted().toList()) + ")");
            }
        }
        if (errors.size() > before) {
            return null;
        }
        String location = doc.location(sm);
        Object value = null;
        List<Object> values = null;
        List<Double> probabilities = null;
        Number min = null;
        Number max = null;
        Number q = c.q();
        switch (d) {
            case CONSTANT -> {
                if (!has(sm, "value")) {
                    error(sm, where + ".value", "required key is missing");
                    return null;
                }
                value = c.value();
            }
            case CATEGORICAL -> {
                Node vn = get(sm, "values");
                if (!(c.values() instanceof List<?> vs) || vs.isEmpty()) {
                    error(vn == null ? sm : vn, where + ".values", vn == null ? "required key is missing"
                            : "expected a list of at least one value, found " + describe(vn));
                    return null;
                }
                values = new ArrayList<>(vs);
                if (c.probabilities() != null) {
                    probabilities = probabilities(get(sm, "probabilities"), c.probabilities(), where
                            + ".probabilities", values.size());
                    if (probabilities == null) {
                        return null;
                    }
                }
            }
            default -> {
                if (d.bounded()) {
                    if (!has(sm, "min") || !has(sm, "max")) {
                        error(sm, where + (has(sm, "min") ? ".max" : ".min"), "required key is missing: "
                                + d.yaml() + " needs min and max");
                        return null;
                    }
                    min = c.min();
                    max = c.max();
                    if (d == Distribution.INT_UNIFORM) {
                        if (!(min instanceof Long) || !(max instanceof Long)) {
                            error(sm, where, "int_uniform needs whole numbers, found " + text(get(sm, "min"))
                                    + " and " + text(get(sm, "max")));
                            return null;
                        }
                    } else if (d != Distribution.Q_UNIFORM) {
                        min = min.doubleValue();
                        max = max.doubleValue();
                    }
                    if (min.doubleValue() > max.doubleValue()) {
                        error(get(sm, "min"), where + ".min", "min " + text(get(sm, "min")) + " is greater than max "
                                + text(get(sm, "max")));
                        return null;
                    }
                    if (d.logOfValues() && min.doubleValue() <= 0) {
                        error(get(sm, "min"), where + ".min", d.yaml() + " needs min > 0 (its logarithm is taken), "
                                + "found " + text(get(sm, "min")));
                        return null;
                    }
                }
                if (d.quantised() && q.doubleValue() <= 0) {
                    error(get(sm, "q"), where + ".q", "expected a number > 0, found " + text(get(sm, "q")));
                    return null;
                }
                for (String k : List.of("sigma", "a", "b")) {
                    Number v = k.equals("sigma") ? c.sigma() : k.equals("a") ? c.a() : c.b();
                    if (v.doubleValue() <= 0) {
                        error(get(sm, k), where + "." + k, "expected a number > 0, found " + text(get(sm, k)));
                    }
                }
                if (errors.size() > before) {
                    return null;
                }
            }
        }
        return new ParamSpec(name, d, value, values == null ? null : java.util.Collections.unmodifiableList(values),
                probabilities, min, max, q, c.mu().doubleValue(), c.sigma().doubleValue(), c.a().doubleValue(),
                c.b().doubleValue(), location);
    }

    private List<Double> probabilities(Node pn, List<Number> ps, String where, int n) {
        if (ps.size() != n) {
            error(pn, where, "expected a list of " + n + " probabilities (one per value), found " + describe(pn));
            return null;
        }
        List<Double> out = new ArrayList<>();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double v = ps.get(i).doubleValue();
            if (v < 0) {
                error(((SequenceNode) pn).getValue().get(i), where, "expected probabilities >= 0, found "
                        + text(((SequenceNode) pn).getValue().get(i)));
                return null;
            }
            out.add(v);
            sum += v;
        }
        if (Math.abs(sum - 1) > 1e-6) {
            error(pn, where, String.format(Locale.ROOT, "the probabilities sum to %.6g, not 1", sum));
            return null;
        }
        return List.copyOf(out);
    }

    /** The YAML keys of a record (its components in snake_case). */
    private static Set<String> keysOf(Class<? extends Record> type) {
        Set<String> out = new HashSet<>();
        for (var c : type.getRecordComponents()) {
            out.add(Names.snake(c.getName()));
        }
        return out;
    }

    private static String key(NodeTuple t) {
        return ((ScalarNode) t.getKeyNode()).getValue();
    }

    private static Node get(MappingNode map, String key) {
        return ConfigDocument.get(map, key).orElse(null);
    }

    private static boolean has(MappingNode map, String key) {
        return ConfigDocument.get(map, key).isPresent();
    }

    private static String text(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : describe(n);
    }

    static String describe(Node node) {
        if (node == null) {
            return "nothing";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    private void error(Node node, String key, String message) {
        errors.add(new ConfigError(doc.location(node), key, message));
    }
}
