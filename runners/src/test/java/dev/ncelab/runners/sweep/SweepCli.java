package dev.ncelab.runners.sweep;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Runs {@code sweep} in-process (as a top-level command), captures its output, and writes test files. */
final class SweepCli {
    record Result(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** A small, valid experiment (the real worker trains it in a few seconds). */
    static final String EXPERIMENT = """
            name: t
            seed: 1
            dataset:  {type: 8gaussians, samples: 1000}
            energy:   {type: mlp, hidden: [16, 16]}
            noise:    {type: gaussian, std: 2.0}
            objective: {type: nce, nu: 1}
            schedule: {type: nce}
            training: {epochs: 1, batch: 100}
            logging:  {every: 5, eval_every: 10, grid: 40, plots: false}
            """;

    private SweepCli() {}

    static synchronized Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = new CommandLine(new SweepCommand()).execute(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Writes {@code e.yaml} (the experiment) and {@code s.yaml} (the sweep) into dir; returns the sweep. */
    static Path files(Path dir, String sweep) throws Exception {
        Files.writeString(dir.resolve("e.yaml"), EXPERIMENT);
        Path s = dir.resolve("s.yaml");
        Files.writeString(s, sweep);
        return s;
    }
}
