package dev.ncelab.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start-up clock: each phase is the gap since the previous mark, the first counted from a given start. */
class StartupTest {
    static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    @Test
    void phasesAreTheGapsBetweenTheFirstMarksInOrder() {
        Startup.reset();
        spin(20_000_000);
        Startup.mark("a");
        spin(30_000_000);
        Startup.mark("b");
        Startup.mark("a"); // a phase that already ended keeps its first mark
        Map<String, Double> p = Startup.phases(0);
        assertEquals(List.of("a_s", "b_s"), List.copyOf(p.keySet()));
        // at least the spun time; the 0.5 s ceiling only guards against a mark counted from the wrong origin
        assertTrue(p.get("a_s") >= 0.019 && p.get("a_s") < 0.5, p.toString());
        assertTrue(p.get("b_s") >= 0.029 && p.get("b_s") < 0.5, p.toString());
    }

    @Test
    void theFirstPhaseCountsFromAnEarlierStart() {
        Startup.reset();
        Startup.mark("main");
        // an epoch time 1.5 s before the clock's origin (as the JVM's start is before main)
        double first = Startup.phases(Startup.originMillis() - 1500).get("main_s");
        assertTrue(first >= 1.499 && first < 1.6, "main_s " + first); // 1.5 s plus the few microseconds to the mark
        Startup.reset();
        assertTrue(Startup.phases(0).isEmpty(), "reset forgets the marks");
    }
}
