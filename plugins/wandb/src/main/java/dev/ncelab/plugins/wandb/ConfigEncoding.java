package dev.ncelab.plugins.wandb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run config as UpsertBucket takes it, shaped as the SDK sends a nested {@code wandb.config}: one entry per
 * top-level key of the resolved experiment, its value kept nested and wrapped as the SDK wraps it
 * ({@code {"training": {"desc": null, "value": {"batch": 1000, ...}}}}), so that {@code run.config["training"]
 * ["batch"]} works in the public API and the UI nests the config table as for Python runs. The reserved
 * {@code _wandb} entry carries an empty telemetry {@code t} (so that the SDK would treat the run as started if it
 * ever resumed it). All of it is encoded as one JSON string (the GraphQL type is {@code JSONString}). Keys that
 * may hold a credential are left out at every depth.
 */
final class ConfigEncoding {
    private ConfigEncoding() {}

    static String encode(Map<String, Object> nested) {
        Map<String, Object> out = new LinkedHashMap<>();
        (nested == null ? Map.<String, Object>of() : nested).forEach((k, v) -> {
            if (!secretKey(k)) {
                out.put(k, wrap(withoutSecrets(v)));
            }
        });
        out.put("_wandb", wrap(Map.of("t", Map.of())));
        return Json.write(out);
    }

    /** A copy of a config value without the keys {@link #secretKey} names, at any depth. */
    private static Object withoutSecrets(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> {
                if (!secretKey(String.valueOf(k))) {
                    out.put(String.valueOf(k), withoutSecrets(x));
                }
            });
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(withoutSecrets(x)));
            return out;
        }
        return v;
    }

    /** A key that may hold a credential: never sent, even if a caller forgot to remove it. */
    static boolean secretKey(String dotted) {
        String last = dotted.substring(dotted.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
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
