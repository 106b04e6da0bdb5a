package dev.ncelab.runners.sweep;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A stand-in for {@code dev.ncelab.runners.Main} in sweep tests, the entry class of a real warm worker JVM
 * ({@link PointWorker} calls its {@link #execute}): it takes the same command line ({@code [--plugins D]... run EXP k=v... --group G --run-dir DIR --quiet}), writes
 * metadata.json and summary.json with {@code mse_logp = (1000 lr - 3)^2 + seed / 100} from its overrides, and
 * records each start in {@code <sweep dir>/invocations.txt}. Marker files next to the sweep directory (in its
 * parent, so that the sweep directory itself starts empty) change its behaviour for point i: {@code fail-i}
 * (status failed, exit 1), {@code diverge-i} (status diverged, exit 1), {@code crash-i} (the whole worker JVM
 * exits with code 3, no summary), {@code throw-i} (throws), {@code sleep-i} (sleeps until terminated; SIGTERM
 * writes an interrupted summary, exit 143). Each point also records the worker's process id in {@code
 * <run dir>/pid}.
 */
public final class FakeWorker {
    private FakeWorker() {}

    public static void main(String[] args) throws Exception {
        System.exit(execute(args));
    }

    public static int execute(String... args) throws Exception {
        List<String> overrides = new ArrayList<>();
        Path runDir = null;
        String group = null;
        int i = 0;
        while (i < args.length && args[i].equals("--plugins")) {
            i += 2;
        }
        if (i >= args.length || !args[i].equals("run")) {
            System.err.println("fake worker: expected 'run', found " + List.of(args));
            return 2;
        }
        i += 2; // run, experiment
        for (; i < args.length; i++) {
            switch (args[i]) {
                case "--group" -> group = args[++i];
                case "--run-dir" -> runDir = Path.of(args[++i]);
                case "--quiet" -> { }
                default -> overrides.add(args[i]);
            }
        }
        Path sweep = runDir.getParent().getParent();
        Path markers = sweep.getParent();
        int index = Integer.parseInt(runDir.getFileName().toString());
        Files.writeString(sweep.resolve("invocations.txt"), index + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("argv.txt"), String.join("\n", args));
        Files.writeString(runDir.resolve("pid"), Long.toString(ProcessHandle.current().pid()));
        Files.writeString(runDir.resolve("metadata.json"), "{\"status\": \"running\", \"group\": \"" + group + "\"}");
        Map<String, String> kv = new LinkedHashMap<>();
        for (String o : overrides) {
            kv.put(o.substring(0, o.indexOf('=')), o.substring(o.indexOf('=') + 1));
        }
        if (Files.exists(markers.resolve("fail-" + index))) {
            summary(runDir, "failed", "{\"status\": \"failed\", \"message\": \"fake failure\", \"steps\": 3}");
            System.out.println("fake worker failing on purpose");
            return 1;
        }
        if (Files.exists(markers.resolve("diverge-" + index))) {
            summary(runDir, "diverged", "{\"status\": \"diverged\", \"message\": \"fake divergence\", "
                    + "\"steps\": 7, \"mse_logp\": 9.5}");
            return 1;
        }
        if (Files.exists(markers.resolve("crash-" + index))) {
            System.err.println("fake worker crashed");
            System.exit(3);
        }
        if (Files.exists(markers.resolve("throw-" + index))) {
            throw new IllegalStateException("fake exception in point " + index);
        }
        if (Files.exists(markers.resolve("sleep-" + index))) {
            Path dir = runDir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> summary(dir, "interrupted",
                    "{\"status\": \"interrupted\", \"steps\": 5}")));
            Files.writeString(runDir.resolve("sleeping"), "");
            new java.util.concurrent.CountDownLatch(1).await(2, java.util.concurrent.TimeUnit.MINUTES); // until SIGTERM
        }
        double lr = Double.parseDouble(kv.getOrDefault("training.lr.energy", "0.003"));
        double seed = Double.parseDouble(kv.getOrDefault("seed", "0"));
        double mse = Math.pow(1000 * lr - 3, 2) + seed / 100;
        summary(runDir, "finished", String.format(Locale.ROOT, "{\"status\": \"finished\", \"steps\": 100, "
                + "\"seconds\": 0.25, \"value\": 0.5, \"accuracy\": 0.75, \"mse_logp\": %s, \"test_loglik\": %s, "
                + "\"odd\": NaN}", mse, -mse));
        System.out.println("fake worker finished " + overrides);
        return 0;
    }

    private static void summary(Path runDir, String status, String json) {
        try {
            Files.writeString(runDir.resolve("summary.json"), json);
            Files.writeString(runDir.resolve("metadata.json"), "{\"status\": \"" + status + "\"}");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
