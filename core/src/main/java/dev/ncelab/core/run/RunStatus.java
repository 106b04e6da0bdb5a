package dev.ncelab.core.run;

import java.util.Locale;

/** The state of a run, as {@code metadata.json} and loggers report it. */
public enum RunStatus {
    RUNNING, FINISHED, FAILED, DIVERGED, INTERRUPTED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The process exit code a run with this status reports (0 only for a finished run). */
    public int exitCode() {
        return switch (this) {
            case FINISHED, RUNNING -> 0;
            case INTERRUPTED -> 130;
            default -> 1;
        };
    }
}
