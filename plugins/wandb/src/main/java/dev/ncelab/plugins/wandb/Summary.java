package dev.ncelab.plugins.wandb;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run summary the client computes, as the SDK does by default: the latest value of every history key
 * (with {@code _step}, {@code _runtime}, {@code _timestamp}), then the run's own final summary on top, plus
 * {@code "_wandb": {"runtime": <whole seconds>}}. It is always sent whole: each send replaces the last.
 */
final class Summary {
    private final Map<String, Object> values = new LinkedHashMap<>();

    void addLine(Map<String, Object> line) {
        line.forEach((k, v) -> {
            if (v != null && !k.equals("_wandb")) {
                values.put(k, v);
            }
        });
    }

    void addFinal(Map<String, Object> summary) {
        if (summary != null) {
            summary.forEach((k, v) -> {
                if (v != null && !k.equals("_wandb") && !k.startsWith("_")) {
                    values.put(k, Json.plain(v));
                }
            });
        }
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    String json() {
        Map<String, Object> out = new LinkedHashMap<>(values);
        Object runtime = values.get("_runtime");
        if (runtime instanceof Number n) {
            out.put("_wandb", Map.of("runtime", (long) Math.max(0, n.doubleValue())));
        }
        return Json.write(out);
    }
}
