package dev.ncelab.core.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the time goes between launching a run and its first training step: the code marks the end of each phase
 * ({@link #mark}) and {@code ncelab bench} prints the gaps as its {@code startup} figures. Phases, in order:
 * {@code main} (the JVM reached {@code main}), {@code plugins} (the Guice registry), {@code config} (YAML read and
 * bound), {@code engine} (waiting for DJL's PyTorch engine), {@code data} (the data set generated or read),
 * {@code experiment} (models, objective and schedule built), {@code setup} (run directory, loggers, listeners),
 * {@code first_step}. Only the first mark of a phase counts; {@link #reset} starts over (a warm sweep worker,
 * between points). Marking costs a {@code System.nanoTime()} and a map entry.
 */
public final class Startup {
    private static final Map<String, Long> MARKS = new LinkedHashMap<>();
    private static long origin = System.nanoTime();
    private static long originMillis = System.currentTimeMillis();

    private Startup() {}

    /** Notes that a phase has just ended (the first call for a phase counts). */
    public static synchronized void mark(String phase) {
        MARKS.putIfAbsent(phase, System.nanoTime());
    }

    /** Forgets every mark and counts from now (the next point of a warm worker). */
    public static synchronized void reset() {
        MARKS.clear();
        origin = System.nanoTime();
        originMillis = System.currentTimeMillis();
    }

    /** The clock's origin (first use of this class, or the last reset) in epoch milliseconds. */
    public static synchronized long originMillis() {
        return originMillis;
    }

    /**
     * Each phase's duration in seconds (from the previous mark, the first from {@code fromMillis}, an epoch time
     * before the origin such as the JVM's start, or from the origin when it is not given), rounded to the
     * millisecond, in the order the phases ended.
     */
    public static synchronized Map<String, Double> phases(long fromMillis) {
        Map<String, Double> out = new LinkedHashMap<>();
        long previous = origin - (fromMillis > 0 ? (originMillis - fromMillis) * 1_000_000L : 0);
        for (Map.Entry<String, Long> e : MARKS.entrySet()) {
            out.put(e.getKey() + "_s", Math.round((e.getValue() - previous) / 1e6) / 1000.0);
            previous = e.getValue();
        }
        return out;
    }
}
