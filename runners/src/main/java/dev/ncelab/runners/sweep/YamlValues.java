package dev.ncelab.runners.sweep;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Sweep values between YAML and Java: nodes (already checked to hold plain YAML types only) become Long,
 * Double, Boolean, String, null, lists and maps; values become the YAML text of a {@code key=value} override
 * ({@code 0.5}, {@code true}, {@code [64,64]}, {@code 'a b'}), the form the W&B agent's {@code
 * ${args_no_hyphens}} passes.
 */
final class YamlValues {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_/.][A-Za-z0-9_./+=-]*");
    private static final Resolver RESOLVER = new Resolver();

    private YamlValues() {}

    /** Constructs the value of a safe node tree (ints become Long, floats Double). */
    static Object of(Node node) {
        return normalise(new Values().of(node));
    }

    private static final class Values extends SafeConstructor {
        Values() {
            super(new LoaderOptions());
        }

        Object of(Node node) {
            return constructObject(node);
        }
    }

    private static Object normalise(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof BigInteger b && b.bitLength() < 64) {
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
        if (v instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, e) -> out.put(normalise(k), normalise(e)));
            return out;
        }
        return v;
    }

    /** The YAML text of a value, as it goes on the command line after {@code key=}. */
    static String text(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double d) {
            return number(d);
        }
        if (v instanceof Float f) {
            return number(f.doubleValue());
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof List<?> list) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                sb.append(i > 0 ? "," : "").append(text(list.get(i)));
            }
            return sb.append(']').toString();
        }
        if (v instanceof Map<?, ?> map) {
            StringBuilder sb = new StringBuilder("{");
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sb.append(i++ > 0 ? "," : "").append(text(e.getKey())).append(": ").append(text(e.getValue()));
            }
            return sb.append('}').toString();
        }
        return string(v.toString());
    }

    /** A double that reads back as the same double and as a YAML float ({@code 0.5}, {@code 1.0e-4}). */
    static String number(double d) {
        if (Double.isNaN(d)) {
            return ".nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? ".inf" : "-.inf";
        }
        return Double.toString(d).replace('E', 'e');
    }

    /** A string, plain when YAML reads it back as that same string, else single-quoted. */
    static String string(String s) {
        if (PLAIN.matcher(s).matches() && RESOLVER.resolve(NodeId.scalar, s, true).equals(Tag.STR)) {
            return s;
        }
        return "'" + s.replace("'", "''") + "'";
    }

    /** A short human form for tables and plots: numbers to 4 significant digits, the rest as YAML text. */
    static String display(Object v) {
        if (v instanceof Double d) {
            return compact(d);
        }
        if (v instanceof String s) {
            return s;
        }
        return text(v);
    }

    static String compact(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e6) {
            return Long.toString((long) d);
        }
        String s = String.format(Locale.ROOT, "%.4g", d);
        if (s.contains("e")) {
            String[] parts = s.split("e");
            return stripZeros(parts[0]) + "e" + Integer.parseInt(parts[1]);
        }
        return stripZeros(s);
    }

    private static String stripZeros(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", ".0") : s;
    }

    /** Values that W&B treats as one grid point: a whole float equals the int. */
    static Object canonical(Object v) {
        if (v instanceof Double d && Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9e15) {
            return (long) (double) d;
        }
        if (v instanceof BigDecimal b) {
            return canonical(b.doubleValue());
        }
        if (v instanceof List<?> list) {
            return list.stream().map(YamlValues::canonical).toList();
        }
        return v;
    }
}
