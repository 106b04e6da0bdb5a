package dev.ncelab.runners.sweep;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Turns a {@link SweepSpec} into its points, as W&B's search does: grid is the Cartesian product over the
 * parameters sorted by name (the last varies fastest), {@code int_uniform} ranges include max, repeated points
 * are dropped (a whole float equals the int), and {@code run_cap} keeps the first points; random draws {@code
 * run_cap} points, each parameter independently, from {@code java.util.Random(seed)}.
 */
final class SweepExpander {
    private SweepExpander() {}

    static List<SweepPoint> expand(SweepSpec spec) {
        return switch (spec.method()) {
            case GRID -> grid(spec.parameters(), spec.runCap());
            case RANDOM -> random(spec.parameters(), spec.runCap(), spec.seed());
        };
    }

    static List<SweepPoint> grid(List<ParamSpec> params, Integer runCap) {
        List<List<Object>> axes = new ArrayList<>();
        for (ParamSpec p : params) {
            axes.add(p.gridValues());
        }
        int cap = runCap == null ? Integer.MAX_VALUE : runCap;
        List<SweepPoint> out = new ArrayList<>();
        Set<List<Object>> seen = new HashSet<>();
        int[] at = new int[params.size()];
        for (List<Object> axis : axes) {
            if (axis.isEmpty()) {
                return out;
            }
        }
        while (out.size() < cap) {
            Map<String, Object> values = new LinkedHashMap<>();
            List<Object> key = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                Object v = axes.get(i).get(at[i]);
                values.put(params.get(i).name(), v);
                key.add(YamlValues.canonical(v));
            }
            if (seen.add(key)) {
                out.add(new SweepPoint(out.size(), values));
            }
            int i = params.size() - 1; // odometer: the last parameter varies fastest, like itertools.product
            while (i >= 0 && ++at[i] == axes.get(i).size()) {
                at[i] = 0;
                i--;
            }
            if (i < 0) {
                break;
            }
        }
        return out;
    }

    static List<SweepPoint> random(List<ParamSpec> params, int runCap, long seed) {
        Random rng = new Random(seed);
        List<SweepPoint> out = new ArrayList<>();
        for (int n = 0; n < runCap; n++) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (ParamSpec p : params) {
                values.put(p.name(), p.sample(rng));
            }
            out.add(new SweepPoint(n, values));
        }
        return out;
    }
}
