package dev.ncelab.plugins.wandb;

import dev.ncelab.core.config.ConfigWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run config as UpsertBucket takes it: the resolved experiment flattened to dotted keys
 * ({@code training.lr.energy}), each value wrapped as the SDK wraps it ({@code {"desc": null, "value": v}}),
 * plus the reserved {@code _wandb} entry with an empty telemetry {@code t} (so that the SDK would treat the run as
 * started if it ever resumed it), all encoded as one JSON string (the GraphQL type is {@code JSONString}).
 */
final class ConfigEncoding {
    private ConfigEncoding() {}

    static String encode(Map<String, Object> nested) {
        Map<String, Object> out = new LinkedHashMap<>();
        ConfigWriter.flatten(nested == null ? Map.of() : nested).forEach((k, v) -> {
            if (!secretKey(k)) {
                out.put(k, wrap(v));
            }
        });
        out.put("_wandb", wrap(Map.of("t", Map.of())));
        return Json.write(out);
    }

    /** A key that may hold a credential: never sent, even if a caller forgot to remove it. */
    static boolean secretKey(String dotted) {
        String last = dotted.substring(dotted.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        return last.equals("api_key") || last.equals("apikey") || last.equals("password") || last.equals("secret")
                || last.equals("token") || last.endsWith("_password") || last.endsWith("_secret")
                || last.endsWith("_token");
    }

    private static Map<String, Object> wrap(Object v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("desc", null);
        m.put("value", v);
        return m;
    }
}
