package dev.ncelab.core.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/** The keys of a configuration record with type, default and doc, as {@code ncelab describe} prints them. */
public final class Describer {
    private Describer() {}

    public record Key(String key, String type, String defaultValue, String doc) {}

    public static List<Key> keys(Class<? extends Record> type) {
        List<Key> out = new ArrayList<>();
        collect("", type, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void collect(String prefix, Class<? extends Record> type, List<Key> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            String key = prefix + Names.snake(c.getName());
            Param p = c.getAnnotation(Param.class);
            String doc = p == null ? "" : p.doc();
            if (c.getType().isRecord()) {
                out.add(new Key(key, "mapping", "", doc));
                collect(key + ".", (Class<? extends Record>) c.getType(), out);
                continue;
            }
            String dflt = p == null || Param.REQUIRED.equals(p.value()) ? "(required)" : p.value();
            out.add(new Key(key, ConfigBinder.typeName(c.getGenericType()), dflt, doc));
        }
    }

    public static String table(List<Key> keys) {
        int wk = Math.max(3, keys.stream().mapToInt(k -> k.key().length()).max().orElse(3));
        int wt = Math.max(4, keys.stream().mapToInt(k -> k.type().length()).max().orElse(4));
        int wd = Math.max(7, keys.stream().mapToInt(k -> k.defaultValue().length()).max().orElse(7));
        StringBuilder sb = new StringBuilder();
        String fmt = "%-" + wk + "s  %-" + wt + "s  %-" + wd + "s  %s%n";
        sb.append(String.format(fmt, "key", "type", "default", "doc"));
        for (Key k : keys) {
            sb.append(String.format(fmt, k.key(), k.type(), k.defaultValue(), k.doc()));
        }
        return sb.toString();
    }
}
