package dev.ncelab.core.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** Turns bound configuration records back into plain maps (snake_case keys, secrets left out) and YAML. */
public final class ConfigWriter {
    private ConfigWriter() {}

    /** A record as an ordered map; components marked {@link Param#secret()} are omitted. */
    public static Map<String, Object> toMap(Record record) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            Param p = c.getAnnotation(Param.class);
            if (p != null && p.secret()) {
                continue;
            }
            try {
                var accessor = c.getAccessor();
                accessor.setAccessible(true);
                out.put(Names.snake(c.getName()), plain(accessor.invoke(record)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** Plain YAML-friendly value: records become maps, enums kebab strings, lists stay lists. */
    public static Object plain(Object value) {
        if (value instanceof Record r) {
            return toMap(r);
        }
        if (value instanceof Enum<?> e) {
            return Names.kebab(e);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(plain(v)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
            return out;
        }
        return value;
    }

    public static String yaml(Map<String, Object> map) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setWidth(120);
        return new Yaml(options).dump(map);
    }

    /**
     * Flattens a nested map to dotted keys ({@code training.lr.energy}), as W&B's config and sweep files name
     * them.
     */
    public static Map<String, Object> flatten(Map<String, Object> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        flatten("", map, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> map, Map<String, Object> out) {
        map.forEach((k, v) -> {
            String key = prefix.isEmpty() ? k : prefix + "." + k;
            if (v instanceof Map<?, ?> m) {
                flatten(key, (Map<String, Object>) m, out);
            } else {
                out.put(key, v);
            }
        });
    }
}
