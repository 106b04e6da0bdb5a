package dev.ncelab.core.experiment;

import dev.ncelab.core.config.ConfigBinder;
import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.config.ConfigError;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.config.Names;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.PluginRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads an experiment: the YAML file, then {@code key=value} overrides, bound onto plugin configurations.
 * Every error is collected and thrown once as a {@link ConfigException}.
 */
public final class ExperimentLoader {
    /** The top-level keys besides the plugin sections, which the registry's kinds add. */
    static final List<String> CORE_KEYS = List.of("name", "seed", "training", "logging", "output", "plugins");

    private final PluginRegistry registry;

    public ExperimentLoader(PluginRegistry registry) {
        this.registry = registry;
    }

    /** Reads the document and applies the overrides; errors in overrides are collected with the rest. */
    public static ConfigDocument read(Path file, List<String> overrides) {
        ConfigDocument doc = ConfigDocument.load(file);
        List<ConfigError> errors = new ArrayList<>();
        for (String o : overrides) {
            try {
                doc.override(o);
            } catch (ConfigException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return doc;
    }

    /** The {@code plugins:} directories named in a document (needed before the registry is built). */
    public static List<String> pluginDirectories(ConfigDocument doc) {
        List<String> dirs = new ArrayList<>();
        ConfigDocument.get(doc.root(), "plugins").ifPresent(n -> {
            if (n instanceof org.yaml.snakeyaml.nodes.SequenceNode s) {
                s.getValue().forEach(v -> dirs.add(((ScalarNode) v).getValue()));
            } else if (n instanceof ScalarNode s) {
                dirs.add(s.getValue());
            }
        });
        return dirs;
    }

    public ExperimentConfig load(Path file, List<String> overrides) {
        return bind(read(file, overrides), defaultName(file));
    }

    static String defaultName(Path file) {
        String f = file.getFileName().toString();
        return f.replaceFirst("\\.ya?ml$", "");
    }

    @SuppressWarnings("unchecked")
    public ExperimentConfig bind(ConfigDocument doc, String defaultName) {
        ConfigBinder binder = new ConfigBinder(doc);
        MappingNode root = doc.root();
        List<PluginKind> sectionKinds = registry.kinds().stream().filter(k -> k.use() != PluginKind.Use.LOGGER)
                .toList();
        List<String> topKeys = new ArrayList<>(CORE_KEYS.subList(0, 2));
        sectionKinds.forEach(k -> topKeys.add(k.key()));
        topKeys.addAll(CORE_KEYS.subList(2, CORE_KEYS.size()));
        for (NodeTuple t : root.getValue()) {
            String key = ((ScalarNode) t.getKeyNode()).getValue();
            if (!topKeys.contains(key)) {
                binder.error(t.getKeyNode(), key, "unknown key" + Names.didYouMean(key, topKeys)
                        + "; the top-level keys are: " + String.join(", ", topKeys));
            }
        }
        String name = (String) value(binder, root, "name", String.class, defaultName);
        if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            binder.error(ConfigDocument.get(root, "name").orElse(root), "name",
                    "expected letters, digits, '.', '_' or '-' (it names a directory), found '" + name + "'");
        }
        Long seed = (Long) value(binder, root, "seed", long.class, 0L);
        Map<String, PluginSpec> specs = new LinkedHashMap<>();
        for (PluginKind kind : sectionKinds) {
            Node section = ConfigDocument.get(root, kind.key()).orElse(null);
            if (section == null && kind.use() == PluginKind.Use.OPTIONAL && kind.defaultType() == null) {
                continue;
            }
            PluginSpec spec = plugin(binder, kind, section, kind.key(), root);
            if (spec != null) {
                specs.put(kind.key(), spec);
            }
        }
        TrainingConfig training = binder.bind(TrainingConfig.class,
                ConfigDocument.get(root, "training").orElse(null), "training", Set.of());
        Node loggingNode = ConfigDocument.get(root, "logging").orElse(null);
        Set<String> loggerNames = registry.of(PluginKind.LOGGER).keySet();
        LoggingConfig logging = binder.bind(LoggingConfig.class, loggingNode, "logging", loggerNames);
        Map<String, PluginSpec> loggers = new LinkedHashMap<>();
        for (String loggerName : loggerNames) {
            Node section = loggingNode instanceof MappingNode m ? ConfigDocument.get(m, loggerName).orElse(null) : null;
            Plugin<?, ?> p = registry.find(PluginKind.LOGGER, loggerName);
            Record cfg = binder.bind((Class<? extends Record>) p.configType(), section, "logging." + loggerName,
                    Set.of());
            loggers.put(loggerName, new PluginSpec(PluginKind.LOGGER, loggerName, cfg));
        }
        String output = (String) value(binder, root, "output", String.class, "results");
        List<String> plugins = pluginDirectories(doc);
        binder.throwIfErrors();
        return new ExperimentConfig(name, seed, specs, training, logging, loggers, output, plugins);
    }

    private static Object value(ConfigBinder binder, MappingNode root, String key, Class<?> type, Object dflt) {
        Node n = ConfigDocument.get(root, key).orElse(null);
        return n == null ? dflt : binder.convert(n, type, key);
    }

    @SuppressWarnings("unchecked")
    private PluginSpec plugin(ConfigBinder binder, PluginKind kind, Node section, String path, MappingNode root) {
        Set<String> names = new LinkedHashSet<>(registry.of(kind).keySet());
        if (section == null && kind.defaultType() != null) {
            Plugin<?, ?> dflt = registry.find(kind, kind.defaultType());
            Record cfg = dflt == null ? null : binder.bind((Class<? extends Record>) dflt.configType(), null, path,
                    Set.of());
            return cfg == null ? null : new PluginSpec(kind, kind.defaultType(), cfg);
        }
        if (section == null) {
            binder.error(root, path, "required section is missing: add " + path + ": {type: ...} with one of: "
                    + String.join(", ", names));
            return null;
        }
        if (!(section instanceof MappingNode map)) {
            binder.error(section, path, "expected a mapping such as {type: " + names.stream().findFirst().orElse("...")
                    + ", ...}");
            return null;
        }
        Node typeNode = ConfigDocument.get(map, "type").orElse(null);
        if (!(typeNode instanceof ScalarNode typeScalar)) {
            binder.error(section, path + ".type", "required key is missing: the " + kind.key()
                    + " plugin to use, one of: " + String.join(", ", names));
            return null;
        }
        String type = typeScalar.getValue();
        Plugin<?, ?> plugin = registry.find(kind, type);
        if (plugin == null) {
            binder.error(typeNode, path + ".type", "unknown " + kind.key() + " plugin '" + type + "'"
                    + Names.didYouMean(type, names) + "; registered: " + String.join(", ", names));
            return null;
        }
        Record cfg = binder.bind((Class<? extends Record>) plugin.configType(), map, path, Set.of("type"));
        return cfg == null ? null : new PluginSpec(kind, type, cfg);
    }
}
