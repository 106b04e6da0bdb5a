package dev.ncelab.runners;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition (a file, a row count, a process state) by polling it. The deadline only stops a test
 * whose condition never comes (a hung or crashed child); it is never a claim about speed, so it is generous.
 */
public final class Await {
    /** Generous for a child JVM on 2 shared cores: its start with the engine takes 2-5 s, a 2,400-step run 20-40 s. */
    public static final Duration DEADLINE = Duration.ofMinutes(3);

    private Await() {}

    /** Polls {@code condition} (every 1 ms at first, backing off to 50 ms) until it holds or the deadline passes. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEADLINE, condition);
    }

    public static void until(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos(); // the deadline, not a measurement
        long pause = 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("waited " + deadline.toSeconds() + " s for " + what + " in vain");
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(2 * pause, 50_000_000);
        }
    }

    /** A condition that reads files and may meet one half-written: an I/O error counts as "not yet". */
    public interface IoCondition {
        boolean holds() throws java.io.IOException;
    }

    public static BooleanSupplier io(IoCondition c) {
        return () -> {
            try {
                return c.holds();
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                return false;
            }
        };
    }
}
