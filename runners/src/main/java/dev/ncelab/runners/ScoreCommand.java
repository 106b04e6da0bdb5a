package dev.ncelab.runners;

import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.eval.Evaluator;
import dev.ncelab.core.eval.ImportanceLogZ;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.run.AtomicFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ncelab score RUN_DIR --input rows.csv}: per row the energy, the normalised log density and its
 * percentile among the training rows; {@code --heldout} scores the run's own held-out rows and compares the
 * mean with a full-covariance Gaussian fitted to the training rows (and the run's flow, if any).
 */
@Command(name = "score", description = "Score rows with a finished run's EBM: energy, normalised log density, "
        + "percentile among the training rows (or --heldout: the run's held-out log-likelihood beside baselines).")
final class ScoreCommand implements Callable<Integer> {
    /** Dequantisation draws averaged per given row (integer columns only). */
    static final int JITTERS = 16;

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "RUN_DIR",
            description = "a run directory (with config.yaml and a checkpoint)")
    Path runDir;

    @Option(names = "--input", paramLabel = "FILE", description = "rows to score (header with the run's columns)")
    Path input;

    @Option(names = "--heldout", description = "score the run's held-out rows and compare with baselines")
    boolean heldout;

    @Option(names = "--is-samples", description = "importance-sampling draws for log Z (default ${DEFAULT-VALUE})")
    int isSamples = 50_000;

    @Option(names = "--seed", description = "seed of the log Z draws and the dequantisation (default: the run's)")
    Long seed;

    @Option(names = "--output", paramLabel = "FILE", description = "the CSV (default RUN_DIR/uses/score-<time>.csv)")
    Path output;

    @Override
    public Integer call() {
        if ((input == null) == !heldout) {
            System.err.println("error: give either --input rows.csv or --heldout");
            return 2;
        }
        if (isSamples < 100) {
            System.err.println("error: --is-samples must be at least 100, found " + isSamples);
            return 2;
        }
        return UsedRun.use(runDir, main.pluginDirs, output, used -> heldout ? heldout(used) : score(used));
    }

    private int score(UsedRun used) {
        UsedRun.Columns c = used.columns;
        InputTable.Rows rows = InputTable.read(input, c, false);
        InputTable.rangeWarnings(input, rows, c).forEach(System.err::println);
        int n = rows.values().length;
        int d = c.size();
        boolean dequantise = false;
        for (boolean b : c.integer()) {
            dequantise |= b;
        }
        int k = dequantise ? JITTERS : 1;
        Random jitter = used.random("score-dequantize", seed);
        float[] z = new float[n * k * d];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < k; r++) {
                for (int j = 0; j < d; j++) {
                    double v = rows.values()[i][j] + (c.integer()[j] ? jitter.nextDouble() - 0.5 : 0);
                    z[(i * k + r) * d + j] = (float) c.toModel(j, v);
                }
            }
        }
        double[] lp = used.logDensity(new Matrix(z, n * k, d));
        double[] logp = new double[n];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < k; r++) {
                logp[i] += lp[i * k + r] / k;
            }
        }
        double[] trainLogp = used.logDensity(used.exp.dataset().train());
        Arrays.sort(trainLogp);
        UsedRun.LogZ logZ = used.logZ(isSamples, used.random("score-logz", seed));
        double cLearned = used.exp.energy().logZ();
        System.out.println(logZ.describe(cLearned));
        boolean normalised = Double.isFinite(logZ.logIntegral());
        Path out = output != null ? output : used.useFile("score", "csv");
        StringBuilder sb = new StringBuilder("line,energy,log_density,log_density_file_units,percentile\n");
        System.out.printf(Locale.ROOT, "%6s %10s %12s %14s %10s%n", "line", "energy", "log density", "(file units)",
                "percentile");
        for (int i = 0; i < n; i++) {
            double energy = -logp[i] - cLearned;
            double norm = normalised ? logp[i] - logZ.logIntegral() : Double.NaN;
            double file = norm - c.logScale();
            double pct = 100.0 * lowerCount(trainLogp, logp[i]) / trainLogp.length;
            sb.append(rows.lines()[i]).append(',').append(num(energy)).append(',').append(num(norm)).append(',')
                    .append(num(file)).append(',').append(String.format(Locale.ROOT, "%.1f", pct)).append('\n');
            if (i < 20) {
                System.out.printf(Locale.ROOT, "%6d %10.4f %12.4f %14.4f %9.1f%%%s%n", rows.lines()[i], energy, norm,
                        file, pct, pct < 1 ? "  <- unlike the training rows" : "");
            }
        }
        if (n > 20) {
            System.out.println("  ... " + (n - 20) + " more rows in the file");
        }
        AtomicFiles.writeString(out, sb.toString());
        System.out.println("scores: " + out);
        if (dequantise) {
            System.out.println("(integer columns dequantised: each log density is the mean over " + JITTERS
                    + " uniform draws within the rounding interval)");
        }
        return 0;
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "";
    }

    /** How many sorted values are below v. */
    private static int lowerCount(double[] sorted, double v) {
        int i = Arrays.binarySearch(sorted, v);
        return i >= 0 ? i : -i - 1;
    }

    private int heldout(UsedRun used) {
        UsedRun.Columns c = used.columns;
        Matrix held = used.exp.dataset().heldOut();
        Matrix train = used.exp.dataset().train();
        double[] logp = used.logDensity(held);
        UsedRun.LogZ logZ = used.logZ(isSamples, used.random("score-logz", seed));
        double cLearned = used.exp.energy().logZ();
        double ebm = mean(logp) - logZ.logIntegral();
        ImportanceLogZ.Gaussian gauss = ImportanceLogZ.Gaussian.fit(train, 1.0);
        double gaussian = mean(gauss.logProb(held));
        NoiseModel noise = used.exp.noise().orElse(null);
        Double flow = noise != null && noise.trainable()
                ? mean(Evaluator.apply(used.exp.manager(), held, noise::logProb, noise.parameters())) : null;
        double shift = c.logScale();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "held-out rows: %d (training rows: %d); %s%n", held.rows(), train.rows(),
                logZ.describe(cLearned)));
        sb.append(String.format(Locale.ROOT, "%-44s %14s %14s%n", "mean held-out log-likelihood per row",
                "model space", "file units"));
        sb.append(String.format(Locale.ROOT, "%-44s %14.4f %14.4f%n", "EBM (" + used.exp.config().objective().type()
                + ", " + used.exp.config().schedule().type() + ")", ebm, ebm - shift));
        if (flow != null) {
            sb.append(String.format(Locale.ROOT, "%-44s %14.4f %14.4f%n", "the run's flow (" + used.exp.config()
                    .noise().type() + ")", flow, flow - shift));
        }
        sb.append(String.format(Locale.ROOT, "%-44s %14.4f %14.4f%n", "full-covariance Gaussian fitted to training",
                gaussian, gaussian - shift));
        System.out.print(sb);
        java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("heldout_rows", held.rows());
        json.put("log_z_method", logZ.method());
        json.put("log_z", cLearned + logZ.logIntegral());
        json.put("log_z_se", logZ.standardError());
        json.put("ess", logZ.ess());
        json.put("ebm_test_loglik", ebm);
        json.put("flow_test_loglik", flow);
        json.put("gaussian_test_loglik", gaussian);
        json.put("log_scale", shift);
        Path out = output != null ? output : used.useFile("score-heldout", "json");
        AtomicFiles.writeJson(out, json);
        System.out.println("figures: " + out);
        return 0;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
