package dev.ncelab.runners.sweep;

import picocli.CommandLine;

/** {@code sweep} as a process of its own, so that a test can signal it. */
public final class SweepProcess {
    private SweepProcess() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new SweepCommand()).execute(args));
    }
}
