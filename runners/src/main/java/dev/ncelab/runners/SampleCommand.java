package dev.ncelab.runners;

import ai.djl.ndarray.NDManager;
import dev.ncelab.core.data.Box;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.plot.DensityPlot;
import dev.ncelab.core.run.AtomicFiles;
import dev.ncelab.core.sample.Sampler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ncelab sample RUN_DIR -n N}: draws from a finished run's EBM (Langevin) or its flow. */
@Command(name = "sample", description = "Draw samples from a finished run's EBM by Langevin dynamics (or its flow "
        + "with --flow), written as CSV in the data's units into RUN_DIR/uses/.")
final class SampleCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "RUN_DIR",
            description = "a run directory (with config.yaml and a checkpoint)")
    Path runDir;

    @Option(names = {"-n", "--samples"}, description = "how many points (default ${DEFAULT-VALUE})")
    int n = 1000;

    @Option(names = "--flow", description = "exact samples of the run's trained flow instead of the EBM")
    boolean flow;

    @Option(names = "--sampler", description = "the sampler plugin (default ${DEFAULT-VALUE})")
    String sampler = "langevin";

    @Option(names = "--step-size", description = "Langevin step size epsilon (default: the sampler's, 0.01)")
    Double stepSize;

    @Option(names = "--steps", description = "Langevin steps per chain (default: the sampler's, 200)")
    Integer steps;

    @Option(names = "--noise-scale", description = "factor on the injected noise (default: the sampler's, 1)")
    Double noiseScale;

    @Option(names = "--clip-grad", description = "clip each gradient coordinate to [-c, c]")
    Double clipGrad;

    @Option(names = "--init", description = "noise (the run's noise model), uniform (a box) or buffer")
    String init;

    @Option(names = "--sampler-options", paramLabel = "YAML",
            description = "further sampler keys as a YAML map, e.g. '{clamp: true, box: [-3, 3]}'")
    String extra;

    @Option(names = "--seed", description = "seed of the draws (default: the run's seed)")
    Long seed;

    @Option(names = "--output", paramLabel = "FILE", description = "the CSV (default RUN_DIR/uses/sample-<time>.csv)")
    Path output;

    @Override
    public Integer call() {
        if (n < 1 || n > 10_000_000) {
            System.err.println("error: -n must be between 1 and 10000000, found " + n);
            return 2;
        }
        return UsedRun.use(runDir, main.pluginDirs, output, this::execute);
    }

    /** The sampler options as YAML text: the explicit flags over the free-form map. */
    static String yaml(String extra, Double stepSize, Integer steps, Double noiseScale, Double clipGrad, String init) {
        List<String> keys = new ArrayList<>();
        if (extra != null && !extra.isBlank()) {
            String t = extra.trim();
            if (!t.startsWith("{") || !t.endsWith("}")) {
                throw new IllegalArgumentException("--sampler-options must be a YAML map like '{clamp: true}', "
                        + "found " + extra);
            }
            String inner = t.substring(1, t.length() - 1).trim();
            if (!inner.isEmpty()) {
                keys.add(inner);
            }
        }
        if (stepSize != null) {
            keys.add("step_size: " + stepSize);
        }
        if (steps != null) {
            keys.add("steps: " + steps);
        }
        if (noiseScale != null) {
            keys.add("noise_scale: " + noiseScale);
        }
        if (clipGrad != null) {
            keys.add("clip_grad: " + clipGrad);
        }
        if (init != null) {
            keys.add("init: " + init);
        }
        return "{" + String.join(", ", keys) + "}";
    }

    private int execute(UsedRun used) {
        int d = used.columns.size();
        Random random = used.random("sample", seed);
        float[] x;
        NDManager m = used.exp.manager();
        if (flow) {
            NoiseModel noise = used.exp.noise().orElse(null);
            if (noise == null || !noise.trainable()) {
                System.err.println("error: --flow needs a run with a trained flow (noise.type maf or glow); this "
                        + "run's noise is " + (noise == null ? "absent" : "'" + used.exp.config().noise().type()
                        + "', fixed") + ": drop --flow");
                return 2;
            }
            try (NDManager sub = m.newSubManager()) {
                noise.parameters().attach(sub);
                x = noise.sample(sub, n, random).x().toFloatArray();
            }
        } else {
            Sampler s = used.sampler(sampler, yaml(extra, stepSize, steps, noiseScale, clipGrad, init));
            long t0 = System.nanoTime();
            System.err.printf(Locale.ROOT, "sampling %d points with %s ...%n", n, sampler);
            try (NDManager sub = m.newSubManager()) {
                x = s.sample(sub, used.exp.energy(), n, random).toFloatArray();
            }
            System.err.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
        Path csv = output != null ? output : used.useFile("sample", "csv");
        StringBuilder sb = new StringBuilder(String.join(String.valueOf(used.columns.separator()),
                used.columns.names().stream().map(SampleCommand::quote).toList())).append('\n');
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = used.columns.output(j, used.columns.toFile(j, x[i * d + j]), false);
                sb.append(j > 0 ? String.valueOf(used.columns.separator()) : "").append(InputTable.fmt(v));
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(csv, sb.toString());
        System.out.println("samples: " + csv);
        if (d == 2) {
            Box b = used.exp.dataset().box().orElse(Box.REFERENCE);
            int g = 200;
            float[] data = used.exp.dataset().train().data();
            Path png = csv.resolveSibling(csv.getFileName().toString().replaceFirst("\\.csv$", "") + ".png");
            DensityPlot.write(png, List.of(
                    new DensityPlot.Panel("training data", DensityPlot.histogram(data, g, b.xMin(), b.xMax(),
                            b.yMin(), b.yMax()), g),
                    new DensityPlot.Panel(flow ? "flow samples" : "EBM samples (" + sampler + ")",
                            DensityPlot.histogram(x, g, b.xMin(), b.xMax(), b.yMin(), b.yMax()), g)));
            System.out.println("picture: " + png);
        }
        if ("8gaussians".equals(used.exp.config().dataset().type())) {
            System.out.println("8gaussians sample quality: " + ModeCoverage.of(x).describe());
            System.out.println("  (the training data: " + ModeCoverage.of(used.exp.dataset().train().data())
                    .describe() + ")");
        }
        return 0;
    }

    private static String quote(String name) {
        return name.matches("[A-Za-z0-9_.]+") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /**
     * Sample quality on 8gaussians: the fraction of points within 3 standard deviations (3 / sqrt 8 = 1.06) of
     * the nearest of the 8 modes (radius 2 sqrt 2), and how evenly those points spread over the modes.
     */
    record ModeCoverage(int n, double within, int[] perMode) {
        static final double STD = Math.sqrt(1.0 / 8);

        static ModeCoverage of(float[] xy) {
            int n = xy.length / 2;
            int[] per = new int[8];
            int in = 0;
            double r = 2 * Math.sqrt(2);
            for (int i = 0; i < n; i++) {
                double best = Double.POSITIVE_INFINITY;
                int k = -1;
                for (int j = 0; j < 8; j++) {
                    double a = j * Math.PI / 4;
                    double dx = xy[2 * i] - r * Math.cos(a);
                    double dy = xy[2 * i + 1] - r * Math.sin(a);
                    double dist = Math.hypot(dx, dy);
                    if (dist < best) {
                        best = dist;
                        k = j;
                    }
                }
                if (best < 3 * STD) {
                    in++;
                    per[k]++;
                }
            }
            return new ModeCoverage(n, n == 0 ? 0 : (double) in / n, per);
        }

        /** Entropy of the per-mode shares over log 8: 1 when every mode has the same share, 0 for one mode. */
        double evenness() {
            double total = 0;
            for (int c : perMode) {
                total += c;
            }
            double h = 0;
            for (int c : perMode) {
                if (c > 0) {
                    double p = c / total;
                    h -= p * Math.log(p);
                }
            }
            return total == 0 ? 0 : h / Math.log(8);
        }

        int minMode() {
            return java.util.Arrays.stream(perMode).min().orElse(0);
        }

        int maxMode() {
            return java.util.Arrays.stream(perMode).max().orElse(0);
        }

        String describe() {
            return String.format(Locale.ROOT, "%.1f%% of %d points within 3 std of a mode; per mode %s (min/max"
                    + " %.2f), evenness %.3f (1 = all 8 equal)", 100 * within, n, java.util.Arrays.toString(perMode),
                    maxMode() == 0 ? 0.0 : (double) minMode() / maxMode(), evenness());
        }
    }
}
