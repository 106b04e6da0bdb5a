package dev.ncelab.core.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Binds YAML nodes onto Java records, reflectively and in one place. Every component of a record is a key
 * (its name in snake_case) documented by {@link Param}; missing keys take the default, unknown keys are
 * errors, and range checks in the compact constructor ({@link InvalidValueException}) are reported with the
 * key. Errors are collected, not thrown: the caller throws one {@link ConfigException} at the end.
 *
 * <p>Supported component types: int, long, double, boolean (and boxes), String, enums (kebab-case), lists of
 * those, and nested records; also {@code Number} (Long for a YAML int, Double for a float), {@code Object} (any
 * YAML value as plain Java: Long, Double, Boolean, String, null, List, Map), and an optional nested record (its
 * {@link Param} default {@code "null"}: absent means null rather than every key at its default).
 */
public final class ConfigBinder {
    private final ConfigDocument document;
    private final List<ConfigError> errors = new ArrayList<>();

    public ConfigBinder(ConfigDocument document) {
        this.document = document;
    }

    public List<ConfigError> errors() {
        return errors;
    }

    public void error(Node node, String key, String message) {
        errors.add(new ConfigError(document.location(node), key, message));
    }

    /** Throws a {@link ConfigException} with every error collected so far, if any. */
    public void throwIfErrors() {
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
    }

    /**
     * Binds a mapping (or null: every key at its default) onto a record.
     *
     * @param ignored keys of the mapping that the caller handles itself (a plugin section's {@code type})
     * @return the record, or null if any of its keys had errors
     */
    public <R extends Record> R bind(Class<R> type, Node node, String path, Set<String> ignored) {
        if (node != null && !(node instanceof MappingNode) && !isNull(node)) {
            error(node, path, "expected a mapping of keys (" + keysOf(type) + "), found " + describe(node));
            return null;
        }
        MappingNode map = node instanceof MappingNode m ? m : null;
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        Set<String> known = new LinkedHashSet<>();
        int before = errors.size();
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            String key = Names.snake(c.getName());
            known.add(key);
            String full = join(path, key);
            Node value = map == null ? null : ConfigDocument.get(map, key).orElse(null);
            if (value == null && c.getType().isRecord()) {
                Param p = c.getAnnotation(Param.class);
                // a nested section: every key at its default, or null when its default is "null" (optional)
                values[i] = p != null && "null".equals(p.value()) ? null : convert(null, c.getGenericType(), full);
                continue;
            }
            if (value == null) {
                Param param = c.getAnnotation(Param.class);
                if (param == null || Param.REQUIRED.equals(param.value())) {
                    error(node, full, "required key is missing" + (param != null ? " (" + param.doc() + ")" : ""));
                    continue;
                }
                value = ConfigDocument.value(param.value(), "default of " + type.getSimpleName() + "." + key);
            }
            values[i] = convert(value, c.getGenericType(), full);
        }
        if (map != null) {
            for (NodeTuple t : map.getValue()) {
                String key = ((ScalarNode) t.getKeyNode()).getValue();
                if (!known.contains(key) && !ignored.contains(key)) {
                    error(t.getKeyNode(), join(path, key), "unknown key" + Names.didYouMean(key, known)
                            + "; the keys here are: " + String.join(", ", known));
                }
            }
        }
        if (errors.size() > before) {
            return null;
        }
        return construct(type, values, map, path);
    }

    private <R extends Record> R construct(Class<R> type, Object[] values, MappingNode map, String path) {
        try {
            Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new);
            Constructor<R> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(values);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InvalidValueException iv) {
                Node at = map == null ? null : ConfigDocument.get(map, iv.component()).orElse(map);
                error(at, join(path, iv.component()), iv.getMessage());
            } else if (cause instanceof IllegalArgumentException) {
                error(map, path, cause.getMessage());
            } else {
                throw new IllegalStateException("cannot build " + type.getName(), cause);
            }
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getName(), e);
        }
    }

    /** Converts one node to a Java value of the given type, or records an error and returns null. */
    public Object convert(Node node, Type type, String key) {
        Class<?> raw = rawClass(type);
        if (node == null && raw.isRecord()) {
            @SuppressWarnings("unchecked")
            Class<? extends Record> rt = (Class<? extends Record>) raw;
            return bind(rt, null, key, Set.of());
        }
        if (isNull(node)) {
            if (raw.isPrimitive()) {
                error(node, key, "expected " + typeName(type) + ", found null");
            }
            return null;
        }
        if (raw == Object.class) {
            return plain(node);
        }
        if (raw == List.class) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            if (!(node instanceof SequenceNode seq)) {
                error(node, key, "expected a list of " + typeName(element) + ", found " + describe(node));
                return null;
            }
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                Object v = convert(seq.getValue().get(i), element, key + "[" + i + "]");
                if (v == null) {
                    return null;
                }
                out.add(v);
            }
            return List.copyOf(out);
        }
        if (raw.isRecord()) {
            @SuppressWarnings("unchecked")
            Class<? extends Record> rt = (Class<? extends Record>) raw;
            return bind(rt, node, key, Set.of());
        }
        if (!(node instanceof ScalarNode scalar)) {
            error(node, key, "expected " + typeName(type) + ", found " + describe(node));
            return null;
        }
        String text = scalar.getValue();
        Tag tag = scalar.getTag();
        if (raw == String.class) {
            return text;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (tag == Tag.BOOL) {
                return switch (text.toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "on", "y" -> Boolean.TRUE;
                    default -> Boolean.FALSE;
                };
            }
            error(node, key, "expected true or false, found '" + text + "'");
            return null;
        }
        if (raw.isEnum()) {
            for (Object constant : raw.getEnumConstants()) {
                if (Names.kebab((Enum<?>) constant).equals(text)) {
                    return constant;
                }
            }
            List<String> allowed = Arrays.stream(raw.getEnumConstants()).map(c -> Names.kebab((Enum<?>) c)).toList();
            error(node, key, "expected one of " + String.join(", ", allowed) + ", found '" + text + "'"
                    + Names.didYouMean(text, allowed));
            return null;
        }
        if (raw == Number.class) {
            return anyNumber(node, text, tag, key);
        }
        if (Number.class.isAssignableFrom(box(raw))) {
            return number(node, text, tag, raw, key);
        }
        throw new IllegalStateException("unsupported configuration type " + type + " at " + key);
    }

    private Object number(Node node, String text, Tag tag, Class<?> raw, String key) {
        boolean integral = raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class;
        String expected = integral ? "a whole number" : "a number";
        if (tag != Tag.INT && tag != Tag.FLOAT) {
            error(node, key, "expected " + expected + ", found '" + text + "'");
            return null;
        }
        String clean = text.replace("_", "");
        double d;
        try {
            d = switch (clean.toLowerCase(Locale.ROOT)) {
                case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
                case "-.inf" -> Double.NEGATIVE_INFINITY;
                case ".nan" -> Double.NaN;
                default -> new BigDecimal(clean).doubleValue();
            };
        } catch (NumberFormatException e) {
            error(node, key, "expected " + expected + ", found '" + text + "'");
            return null;
        }
        if (!Double.isFinite(d)) {
            error(node, key, "expected a finite number, found '" + text + "'");
            return null;
        }
        if (integral) {
            long max = raw == long.class || raw == Long.class ? Long.MAX_VALUE : Integer.MAX_VALUE;
            if (d != Math.rint(d) || Math.abs(d) > max) {
                error(node, key, "expected a whole number within +-" + max + ", found '" + text + "'");
                return null;
            }
            return raw == int.class || raw == Integer.class ? (Object) (int) d : (Object) (long) d;
        }
        return d;
    }

    /** A {@code Number} component: Long for a YAML int, Double for a finite YAML float. */
    private Object anyNumber(Node node, String text, Tag tag, String key) {
        try {
            if (tag == Tag.INT) {
                return new BigDecimal(text.replace("_", "")).longValueExact();
            }
            if (tag == Tag.FLOAT) {
                double d = new BigDecimal(text.replace("_", "")).doubleValue();
                if (Double.isFinite(d)) {
                    return d;
                }
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below
        }
        error(node, key, "expected a finite number, found '" + text + "'");
        return null;
    }

    /** An {@code Object} component: the plain Java value of any node (ints Long, floats Double, lists, maps). */
    static Object plain(Node node) {
        return normalise(new PlainValues().of(node));
    }

    private static final class PlainValues extends org.yaml.snakeyaml.constructor.SafeConstructor {
        PlainValues() {
            super(new org.yaml.snakeyaml.LoaderOptions());
        }

        Object of(Node node) {
            return constructObject(node);
        }
    }

    private static Object normalise(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof java.math.BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(e -> out.add(normalise(e)));
            return out;
        }
        if (v instanceof java.util.Map<?, ?> map) {
            java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
            map.forEach((k, e) -> out.put(normalise(k), normalise(e)));
            return out;
        }
        return v;
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag() == Tag.NULL;
    }

    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    static String join(String path, String key) {
        return path == null || path.isEmpty() ? key : path + "." + key;
    }

    static Class<?> rawClass(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    static Class<?> box(Class<?> c) {
        if (c == int.class) {
            return Integer.class;
        }
        if (c == long.class) {
            return Long.class;
        }
        if (c == double.class) {
            return Double.class;
        }
        return c;
    }

    /** A user-facing name of a configuration type: "integer", "list of number", "one of a, b". */
    public static String typeName(Type type) {
        Class<?> raw = rawClass(type);
        if (raw == List.class) {
            return "list of " + typeName(((ParameterizedType) type).getActualTypeArguments()[0]);
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return "integer";
        }
        if (raw == double.class || raw == Double.class || raw == Number.class) {
            return "number";
        }
        if (raw == Object.class) {
            return "value";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "boolean";
        }
        if (raw == String.class) {
            return "string";
        }
        if (raw.isEnum()) {
            return Arrays.stream(raw.getEnumConstants()).map(c -> Names.kebab((Enum<?>) c))
                    .collect(Collectors.joining(" | "));
        }
        if (raw.isRecord()) {
            return "mapping";
        }
        return raw.getSimpleName();
    }

    static String keysOf(Class<? extends Record> type) {
        Collection<String> keys = Arrays.stream(type.getRecordComponents()).map(c -> Names.snake(c.getName())).toList();
        return String.join(", ", keys);
    }
}
