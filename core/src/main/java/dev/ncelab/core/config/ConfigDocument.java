package dev.ncelab.core.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML configuration as a node tree that remembers where every value came from (file and line, or the
 * command-line override), so that errors can point at it.
 *
 * <p>Loading is safe: SnakeYAML only composes nodes (nothing is constructed), aliases, nesting depth and size
 * are bounded, input must be UTF-8, and any tag other than the plain YAML types is rejected, so a document
 * cannot name a Java class.
 */
public final class ConfigDocument {
    static final int MAX_ALIASES = 50;
    static final int MAX_DEPTH = 40;
    static final int MAX_CHARS = 1_000_000;
    private static final Set<Tag> PLAIN_TAGS =
            Set.of(Tag.MAP, Tag.SEQ, Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL);

    private final String source;
    private final MappingNode root;
    private final Map<Node, String> origins = new IdentityHashMap<>();

    private ConfigDocument(String source, MappingNode root) {
        this.source = source;
        this.root = root;
    }

    /** Reads a file, or throws a {@link ConfigException} naming the file and line. */
    public static ConfigDocument load(Path file) {
        String name = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(name, "", "cannot read the file: " + e.getMessage());
        }
        return parse(decode(bytes, name), name);
    }

    public static ConfigDocument parse(String text, String source) {
        Node node = compose(text, source);
        if (node == null) {
            node = new MappingNode(Tag.MAP, new ArrayList<>(), org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK);
        }
        if (!(node instanceof MappingNode map)) {
            throw new ConfigException(source + ":" + line(node), "", "expected a mapping of keys at the top level");
        }
        return new ConfigDocument(source, map);
    }

    static String decode(byte[] bytes, String source) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int bad = in.position();
            int line = 1;
            for (int i = 0; i < bad; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new ConfigException(source + ":" + line, "", "the file is not UTF-8 text (bad byte at offset "
                    + bad + "); save it as UTF-8");
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    static Node compose(String text, String source) {
        if (text.length() > MAX_CHARS) {
            throw new ConfigException(source, "", "the document is larger than " + MAX_CHARS + " characters");
        }
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_CHARS);
        options.setAllowDuplicateKeys(false);
        Node node;
        try {
            node = new Yaml(options).compose(new java.io.StringReader(text));
        } catch (MarkedYAMLException e) {
            String where = e.getProblemMark() != null ? ":" + (e.getProblemMark().getLine() + 1) : "";
            throw new ConfigException(source + where, "", "malformed YAML: " + oneLine(e.getProblem())
                    + (e.getContext() != null ? " (" + oneLine(e.getContext()) + ")" : ""));
        } catch (YAMLException e) {
            throw new ConfigException(source, "", "rejected YAML: " + oneLine(e.getMessage()));
        } catch (StackOverflowError e) {
            throw new ConfigException(source, "", "the document is nested too deeply");
        }
        List<ConfigError> errors = new ArrayList<>();
        checkTags(node, source, 0, errors);
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return node;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    private static void checkTags(Node node, String source, int depth, List<ConfigError> errors) {
        if (node == null) {
            return;
        }
        if (depth > MAX_DEPTH) {
            errors.add(new ConfigError(source + ":" + line(node), "", "the document is nested more than "
                    + MAX_DEPTH + " levels deep"));
            return;
        }
        if (!PLAIN_TAGS.contains(node.getTag())) {
            errors.add(new ConfigError(source + ":" + line(node), "", "YAML tags such as '" + node.getTag()
                    + "' are not allowed: write plain values and name plugins by their registered names"));
            return;
        }
        if (node instanceof MappingNode m) {
            Set<String> seen = new java.util.HashSet<>();
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && !seen.add(k.getValue())) {
                    errors.add(new ConfigError(source + ":" + line(k), k.getValue(), "duplicate key"));
                }
                if (!(t.getKeyNode() instanceof ScalarNode)) {
                    errors.add(new ConfigError(source + ":" + line(t.getKeyNode()), "", "keys must be plain names"));
                }
                checkTags(t.getKeyNode(), source, depth + 1, errors);
                checkTags(t.getValueNode(), source, depth + 1, errors);
            }
        } else if (node instanceof SequenceNode s) {
            for (Node child : s.getValue()) {
                checkTags(child, source, depth + 1, errors);
            }
        }
    }

    static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    public String source() {
        return source;
    }

    public MappingNode root() {
        return root;
    }

    /** {@code file:line} of a node from the file, or {@code override 'a.b=v'} for one from the command line. */
    public String location(Node node) {
        if (node == null) {
            return source;
        }
        String origin = origins.get(node);
        return origin != null ? origin : source + ":" + line(node);
    }

    /**
     * Applies a command-line override {@code a.b.c=value}; the value is read as YAML ({@code 5}, {@code true},
     * {@code [1, 2]}, {@code rings}). Python's {@code str()} of a value, as {@code wandb agent} writes it, reads
     * the same way: {@code True}, {@code False}, {@code 1e-05}, {@code [64, 64]}, {@code {'a': 1}}, and the
     * unquoted word {@code None} (alone or inside a list or mapping) is null; {@code inf}, {@code -inf} and
     * {@code nan} are the non-finite floats (which the binder then rejects by name).
     */
    public void override(String assignment) {
        int eq = assignment.indexOf('=');
        String origin = "override '" + assignment + "'";
        if (eq <= 0) {
            throw new ConfigException(origin, "", "expected key.path=value, for example training.epochs=5");
        }
        String key = assignment.substring(0, eq).trim();
        if (key.startsWith("--")) {
            key = key.substring(2);
        }
        String[] path = key.split("\\.");
        for (String p : path) {
            if (p.isEmpty()) {
                throw new ConfigException(origin, key, "empty segment in the dotted key");
            }
        }
        String text = assignment.substring(eq + 1);
        Node value = text.isEmpty() ? new ScalarNode(Tag.STR, "", null, null,
                org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN) : pythonForms(compose(text, origin));
        if (value == null) {
            value = new ScalarNode(Tag.NULL, "null", null, null, org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN);
        }
        markOrigin(value, origin);
        set(path, value, origin);
    }

    /** Reads the plain words Python's {@code str()} writes for null and the non-finite floats as YAML would. */
    static Node pythonForms(Node node) {
        if (node instanceof ScalarNode sc && sc.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN
                && sc.getTag() == Tag.STR) {
            String yaml = switch (sc.getValue()) {
                case "None" -> "null";
                case "inf" -> ".inf";
                case "-inf" -> "-.inf";
                case "nan" -> ".nan";
                default -> null;
            };
            if (yaml != null) {
                return new ScalarNode(yaml.equals("null") ? Tag.NULL : Tag.FLOAT, yaml, sc.getStartMark(),
                        sc.getEndMark(), org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN);
            }
        } else if (node instanceof MappingNode m) {
            List<NodeTuple> tuples = new ArrayList<>();
            m.getValue().forEach(t -> tuples.add(new NodeTuple(t.getKeyNode(), pythonForms(t.getValueNode()))));
            m.setValue(tuples);
        } else if (node instanceof SequenceNode q) {
            q.getValue().replaceAll(ConfigDocument::pythonForms);
        }
        return node;
    }

    private void markOrigin(Node node, String origin) {
        origins.put(node, origin);
        if (node instanceof MappingNode m) {
            m.getValue().forEach(t -> {
                markOrigin(t.getKeyNode(), origin);
                markOrigin(t.getValueNode(), origin);
            });
        } else if (node instanceof SequenceNode s) {
            s.getValue().forEach(c -> markOrigin(c, origin));
        }
    }

    /** Sets a value at a dotted path, creating intermediate mappings. */
    public void set(String[] path, Node value, String origin) {
        MappingNode map = root;
        for (int i = 0; i < path.length; i++) {
            boolean last = i == path.length - 1;
            Optional<NodeTuple> existing = tuple(map, path[i]);
            String segment = path[i];
            if (last) {
                Node keyNode = existing.map(NodeTuple::getKeyNode).orElseGet(() -> scalarKey(segment, origin));
                replaceOrAdd(map, existing, new NodeTuple(keyNode, value));
                return;
            }
            Node next = existing.map(NodeTuple::getValueNode).orElse(null);
            if (!(next instanceof MappingNode)) {
                MappingNode created = new MappingNode(Tag.MAP, new ArrayList<>(),
                        org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK);
                origins.put(created, origin);
                replaceOrAdd(map, existing, new NodeTuple(scalarKey(segment, origin), created));
                next = created;
            }
            map = (MappingNode) next;
        }
    }

    private static void replaceOrAdd(MappingNode map, Optional<NodeTuple> existing, NodeTuple tuple) {
        List<NodeTuple> tuples = map.getValue();
        if (existing.isPresent()) {
            tuples.set(tuples.indexOf(existing.get()), tuple);
        } else {
            tuples.add(tuple);
        }
        map.setValue(tuples);
    }

    private ScalarNode scalarKey(String key, String origin) {
        ScalarNode n = new ScalarNode(Tag.STR, key, null, null, org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN);
        origins.put(n, origin);
        return n;
    }

    /** The tuple for a key in a mapping. */
    public static Optional<NodeTuple> tuple(MappingNode map, String key) {
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public static Optional<Node> get(MappingNode map, String key) {
        return tuple(map, key).map(NodeTuple::getValueNode);
    }

    /** Parses YAML text that is not a document of its own (a default value, a sweep value). */
    public static Node value(String yamlText, String source) {
        Node n = compose(yamlText, source);
        return n != null ? n : new ScalarNode(Tag.NULL, "null", null, null,
                org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN);
    }
}
