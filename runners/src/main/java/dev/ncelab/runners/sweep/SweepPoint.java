package dev.ncelab.runners.sweep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One point of a sweep: its index (0-based, the run directory {@code runs/<index>}) and its parameter values
 * in W&B order.
 */
record SweepPoint(int index, Map<String, Object> params) {
    SweepPoint {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** The {@code key=value} overrides of this point, as the W&B agent's {@code ${args_no_hyphens}}. */
    List<String> overrides() {
        List<String> out = new ArrayList<>();
        params.forEach((k, v) -> out.add(k + "=" + YamlValues.text(v)));
        return out;
    }

    /** The overrides joined by spaces, for tables and jobs.csv. */
    String label() {
        return String.join(" ", overrides());
    }
}
