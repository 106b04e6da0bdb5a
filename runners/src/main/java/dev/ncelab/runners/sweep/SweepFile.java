package dev.ncelab.runners.sweep;

import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.config.ConfigError;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.config.Names;
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
 * {@link ConfigDocument}'s: composed nodes only, bounded aliases and depth, plain YAML types only. Every problem
 * is collected and thrown once as a {@link ConfigException} naming the line and dotted key.
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
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private final ConfigDocument doc;
    private final List<ConfigError> errors = new ArrayList<>();

    private SweepFile(ConfigDocument doc) {
        this.doc = doc;
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
        String defaultName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        String name = string(root, "name", defaultName);
        if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            error(get(root, "name"), "name", "expected letters, digits, '.', '_' or '-' (it names a directory), "
                    + "found '" + name + "'");
        }
        Path experiment = experiment(root, file);
        Method method = method(root);
        Metric metric = metric(root);
        Integer runCap = null;
        Node capNode = get(root, "run_cap");
        if (capNode != null) {
            Number cap = number(capNode, "run_cap");
            if (cap != null && (!(cap instanceof Long) || cap.longValue() < 1 || cap.longValue() > 1_000_000)) {
                error(capNode, "run_cap", "expected a whole number >= 1, found " + text(capNode));
            } else if (cap != null) {
                runCap = cap.intValue();
            }
        }
        long seed = 0;
        Node seedNode = get(root, "seed");
        if (seedNode != null) {
            Number s = number(seedNode, "seed");
            if (s != null && !(s instanceof Long)) {
                error(seedNode, "seed", "expected a whole number, found " + text(seedNode));
            } else if (s != null) {
                seed = s.longValue();
            }
        }
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

    private Path experiment(MappingNode root, Path file) {
        Node node = get(root, "experiment");
        if (node == null) {
            error(root, "experiment", "required key is missing: the experiment YAML to sweep over, relative to "
                    + "this file (e.g. experiment: fce-maf-8gaussians.yaml)");
            return null;
        }
        if (!(node instanceof ScalarNode s) || s.getTag() != Tag.STR || s.getValue().isBlank()) {
            error(node, "experiment", "expected a file name, found " + describe(node));
            return null;
        }
        Path dir = file.toAbsolutePath().getParent();
        Path path = dir.resolve(s.getValue()).normalize();
        if (!Files.isRegularFile(path)) {
            error(node, "experiment", "no such file: " + path + " (the path is relative to the sweep file)");
            return null;
        }
        return path;
    }

    private Method method(MappingNode root) {
        Node node = get(root, "method");
        if (node == null) {
            error(root, "method", "required key is missing: grid or random");
            return null;
        }
        String m = node instanceof ScalarNode s ? s.getValue() : "";
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
        Node nameNode = get(m, "name");
        String name = null;
        if (nameNode == null) {
            error(m, "metric.name", "required key is missing: a figure of summary.json, e.g. mse_logp");
        } else if (!(nameNode instanceof ScalarNode s) || s.getTag() != Tag.STR || s.getValue().isBlank()) {
            error(nameNode, "metric.name", "expected the name of a summary figure, found " + describe(nameNode));
        } else {
            name = s.getValue();
        }
        Goal goal = Goal.MINIMIZE;
        Node goalNode = get(m, "goal");
        if (goalNode != null) {
            String g = goalNode instanceof ScalarNode s ? s.getValue() : "";
            if (g.equals("maximize")) {
                goal = Goal.MAXIMIZE;
            } else if (!g.equals("minimize")) {
                error(goalNode, "metric.goal", "expected minimize or maximize, found " + describe(goalNode)
                        + Names.didYouMean(g, List.of("minimize", "maximize")));
            }
        }
        return name == null ? null : new Metric(name, goal);
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
        for (NodeTuple t : sm.getValue()) {
            String k = key(t);
            if (!SPEC_KEYS.contains(k)) {
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
            Number lo = number(get(sm, "min"), where + ".min");
            Number hi = number(get(sm, "max"), where + ".max");
            if (lo == null || hi == null) {
                return null;
            }
            if ((lo instanceof Long) != (hi instanceof Long)) {
                error(sm, where, "min and max must both be whole numbers (int_uniform) or both have a decimal "
                        + "point (uniform), found " + text(get(sm, "min")) + " and " + text(get(sm, "max"))
                        + "; or name the distribution");
                return null;
            }
            d = lo instanceof Long ? Distribution.INT_UNIFORM : Distribution.UNIFORM;
        } else {
            error(sm, where, "expected one of value, values, min and max, distribution, or parameters");
            return null;
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
        Number q = 1L;
        double mu = 0;
        double sigma = 1;
        double a = 1;
        double b = 1;
        switch (d) {
            case CONSTANT -> {
                if (!has(sm, "value")) {
                    error(sm, where + ".value", "required key is missing");
                    return null;
                }
                value = YamlValues.of(get(sm, "value"));
            }
            case CATEGORICAL -> {
                Node vn = get(sm, "values");
                if (!(vn instanceof SequenceNode vs) || vs.getValue().isEmpty()) {
                    error(vn == null ? sm : vn, where + ".values", vn == null ? "required key is missing"
                            : "expected a list of at least one value, found " + describe(vn));
                    return null;
                }
                values = new ArrayList<>();
                for (Node v : vs.getValue()) {
                    values.add(YamlValues.of(v));
                }
                Node pn = get(sm, "probabilities");
                if (pn != null) {
                    probabilities = probabilities(pn, where + ".probabilities", values.size());
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
                    min = number(get(sm, "min"), where + ".min");
                    max = number(get(sm, "max"), where + ".max");
                    if (min == null || max == null) {
                        return null;
                    }
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
                if (d.quantised() && has(sm, "q")) {
                    q = number(get(sm, "q"), where + ".q");
                    if (q == null) {
                        return null;
                    }
                    if (q.doubleValue() <= 0) {
                        error(get(sm, "q"), where + ".q", "expected a number > 0, found " + text(get(sm, "q")));
                        return null;
                    }
                }
                mu = positiveOr(sm, "mu", where, 0, false);
                sigma = positiveOr(sm, "sigma", where, 1, true);
                a = positiveOr(sm, "a", where, 1, true);
                b = positiveOr(sm, "b", where, 1, true);
                if (errors.size() > before) {
                    return null;
                }
            }
        }
        return new ParamSpec(name, d, value, values == null ? null : java.util.Collections.unmodifiableList(values),
                probabilities, min, max, q, mu, sigma, a, b, location);
    }

    private double positiveOr(MappingNode sm, String key, String where, double dflt, boolean positive) {
        Node n = get(sm, key);
        if (n == null) {
            return dflt;
        }
        Number v = number(n, where + "." + key);
        if (v == null) {
            return dflt;
        }
        if (positive && v.doubleValue() <= 0) {
            error(n, where + "." + key, "expected a number > 0, found " + text(n));
        }
        return v.doubleValue();
    }

    private List<Double> probabilities(Node pn, String where, int n) {
        if (!(pn instanceof SequenceNode ps) || ps.getValue().size() != n) {
            error(pn, where, "expected a list of " + n + " probabilities (one per value), found " + describe(pn));
            return null;
        }
        List<Double> out = new ArrayList<>();
        double sum = 0;
        for (Node p : ps.getValue()) {
            Number v = number(p, where);
            if (v == null) {
                return null;
            }
            if (v.doubleValue() < 0) {
                error(p, where, "expected probabilities >= 0, found " + text(p));
                return null;
            }
            out.add(v.doubleValue());
            sum += v.doubleValue();
        }
        if (Math.abs(sum - 1) > 1e-6) {
            error(pn, where, String.format(Locale.ROOT, "the probabilities sum to %.6g, not 1", sum));
            return null;
        }
        return List.copyOf(out);
    }

    /** A YAML number: Long for ints, Double for floats (also {@code 1e-4}, which YAML 1.1 reads as text). */
    private Number number(Node node, String key) {
        if (node instanceof ScalarNode s) {
            String t = s.getValue().replace("_", "");
            try {
                if (s.getTag() == Tag.INT) {
                    return ((Number) YamlValues.of(s)).longValue();
                }
                if (s.getTag() == Tag.FLOAT || (s.getTag() == Tag.STR && NUMBER.matcher(t).matches()
                        && s.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN)) {
                    double d = Double.parseDouble(t);
                    if (Double.isFinite(d)) {
                        return d;
                    }
                }
            } catch (RuntimeException e) {
                // reported below
            }
        }
        error(node, key, "expected a finite number, found " + describe(node));
        return null;
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

    private String string(MappingNode root, String key, String dflt) {
        Node n = get(root, key);
        if (n == null) {
            return dflt;
        }
        if (n instanceof ScalarNode s && s.getTag() != Tag.NULL) {
            return s.getValue();
        }
        error(n, key, "expected text, found " + describe(n));
        return null;
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
