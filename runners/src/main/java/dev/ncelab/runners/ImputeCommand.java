package dev.ncelab.runners;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.math.Cholesky;
import dev.ncelab.core.run.AtomicFiles;
import dev.ncelab.core.sample.Sampler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ncelab impute RUN_DIR --input rows.csv}: fills missing cells with a finished run's EBM; {@code --evaluate
 * COLUMN} hides a column on the run's held-out rows and compares with mean imputation and linear regression.
 */
@Command(name = "impute", description = "Fill missing cells (blank, NA or ?) or the --columns of each row with a "
        + "finished run's EBM, or --evaluate a column on the run's held-out rows.")
final class ImputeCommand implements Callable<Integer> {
    /** Grid points of the conditional density of a continuous cell. */
    static final int GRID = 256;
    /** Sub-points per integer cell when integrating its conditional mass. */
    static final int SUB = 8;

    enum Method { CONDITIONAL, DESCENT, LANGEVIN }

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "RUN_DIR",
            description = "a run directory (with config.yaml and a checkpoint)")
    Path runDir;

    @Option(names = "--input", paramLabel = "FILE", description = "rows to complete (header with the run's columns)")
    Path input;

    @Option(names = "--columns", split = ",", paramLabel = "NAME",
            description = "impute these columns in every row (their given values are ignored)")
    List<String> columnsToImpute = new ArrayList<>();

    @Option(names = "--evaluate", paramLabel = "COLUMN",
            description = "hide COLUMN on the run's held-out rows; RMSE (and exact matches) beside the baselines")
    String evaluate;

    @Option(names = "--method", description = "conditional (one missing cell: exact 1-D conditional), descent "
            + "(gradient ascent of log p from the column mean) or langevin (averaged draws); default ${DEFAULT-VALUE}")
    Method method = Method.CONDITIONAL;

    @Option(names = "--step-size", description = "descent/langevin step size (default 0.02 descent, 0.01 langevin)")
    Double stepSize;

    @Option(names = "--steps", description = "descent/langevin steps (default 400 descent, 200 langevin)")
    Integer steps;

    @Option(names = "--draws", description = "langevin draws averaged per row (default ${DEFAULT-VALUE})")
    int draws = 32;

    @Option(names = "--seed", description = "seed of the langevin draws (default: the run's seed)")
    Long seed;

    @Option(names = "--output", paramLabel = "FILE", description = "the CSV (default RUN_DIR/uses/impute-<time>.csv)")
    Path output;

    @Override
    public Integer call() {
        if ((input == null) == (evaluate == null)) {
            System.err.println("error: give either --input rows.csv (rows to complete) or --evaluate COLUMN");
            return 2;
        }
        if (draws < 1) {
            System.err.println("error: --draws must be at least 1, found " + draws);
            return 2;
        }
        return UsedRun.use(runDir, main.pluginDirs, output, used -> evaluate != null ? evaluate(used) : impute(used));
    }

    private int column(UsedRun used, String name) {
        int j = used.columns.names().indexOf(name);
        if (j < 0) {
            throw new IllegalArgumentException("unknown column '" + name + "'"
                    + dev.ncelab.core.config.Names.didYouMean(name, used.columns.names()) + "; the run's columns are: "
                    + String.join(", ", used.columns.names()));
        }
        return j;
    }

    private int impute(UsedRun used) {
        UsedRun.Columns c = used.columns;
        boolean[] forced = new boolean[c.size()];
        for (String name : columnsToImpute) {
            forced[column(used, name)] = true;
        }
        InputTable.Rows rows = InputTable.read(input, c, true);
        InputTable.rangeWarnings(input, rows, c).forEach(System.err::println);
        int n = rows.values().length;
        boolean[][] missing = new boolean[n][c.size()];
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int count = 0;
            for (int j = 0; j < c.size(); j++) {
                missing[i][j] = forced[j] || Double.isNaN(rows.values()[i][j]);
                count += missing[i][j] ? 1 : 0;
            }
            if (count == c.size()) {
                errors.add(input + ":" + rows.lines()[i] + ": every cell is missing: nothing to condition on");
            } else if (method == Method.CONDITIONAL && count > 1) {
                errors.add(input + ":" + rows.lines()[i] + ": " + count + " missing cells; --method conditional "
                        + "imputes one per row: use --method langevin (or descent) for several");
            }
        }
        if (!errors.isEmpty()) {
            throw new InputTable.InputException(String.join("\n", errors.subList(0, Math.min(20, errors.size()))));
        }
        Result r = run(used, rows.values(), missing);
        Path out = output != null ? output : used.useFile("impute", "csv");
        String sep = String.valueOf(c.separator());
        StringBuilder sb = new StringBuilder(String.join(sep, c.names().stream().map(ImputeCommand::quote).toList()));
        sb.append(sep).append("imputed");
        if (method == Method.CONDITIONAL) {
            sb.append(sep).append("conditional_mean").append(sep).append("conditional_mode");
        }
        sb.append('\n');
        for (int i = 0; i < n; i++) {
            List<String> imputed = new ArrayList<>();
            for (int j = 0; j < c.size(); j++) {
                double v = missing[i][j] ? c.output(j, r.value[i][j], true) : rows.values()[i][j];
                if (missing[i][j]) {
                    imputed.add(c.names().get(j));
                }
                sb.append(j > 0 ? sep : "").append(InputTable.fmt(v));
            }
            sb.append(sep).append(quote(String.join("|", imputed)));
            if (method == Method.CONDITIONAL) {
                sb.append(sep).append(InputTable.fmt(r.mean[i])).append(sep).append(InputTable.fmt(r.mode[i]));
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(out, sb.toString());
        System.out.println("imputed " + n + " rows (" + method.name().toLowerCase(Locale.ROOT) + "): " + out);
        String[] lines = sb.toString().split("\n");
        for (int i = 0; i < Math.min(6, lines.length); i++) {
            System.out.println("  " + lines[i]);
        }
        return 0;
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_.|]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** Imputed values in file units (value), and for the conditional method its mean and mode per row. */
    private static final class Result {
        double[][] value;
        double[] mean;
        double[] mode;
    }

    /** Imputes the missing cells of file-unit rows (NaN or flagged cells are ignored as inputs). */
    private Result run(UsedRun used, double[][] file, boolean[][] missing) {
        UsedRun.Columns c = used.columns;
        int n = file.length;
        int d = c.size();
        Result r = new Result();
        r.value = new double[n][d];
        float[] z = new float[n * d];
        double[] trainMean = used.exp.dataset().train().columnMeans();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                // missing cells start at the training column mean (0 in model space when standardised)
                z[i * d + j] = missing[i][j] ? (float) trainMean[j] : (float) c.toModel(j, file[i][j]);
            }
        }
        switch (method) {
            case CONDITIONAL -> conditional(used, z, missing, r);
            case DESCENT, LANGEVIN -> {
                boolean descent = method == Method.DESCENT;
                String yaml = SampleCommand.yaml(null, stepSize != null ? stepSize : descent ? 0.02 : 0.01,
                        steps != null ? steps : descent ? 400 : 200, descent ? 0.0 : 1.0, descent ? 10.0 : null,
                        "uniform");
                Sampler s = used.sampler("langevin", yaml);
                int k = descent ? 1 : draws;
                float[] start = new float[n * k * d];
                float[] free = new float[n * k * d];
                for (int i = 0; i < n; i++) {
                    for (int rep = 0; rep < k; rep++) {
                        for (int j = 0; j < d; j++) {
                            start[(i * k + rep) * d + j] = z[i * d + j];
                            free[(i * k + rep) * d + j] = missing[i][j] ? 1 : 0;
                        }
                    }
                }
                float[] x;
                NDManager m = used.exp.manager();
                try (NDManager sub = m.newSubManager()) {
                    x = s.sampleFrom(sub, used.exp.energy(), sub.create(start, new Shape(n * k, d)),
                            sub.create(free, new Shape(n * k, d)), used.random("impute", seed)).toFloatArray();
                }
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < d; j++) {
                        double sum = 0;
                        for (int rep = 0; rep < k; rep++) {
                            sum += x[(i * k + rep) * d + j];
                        }
                        z[i * d + j] = (float) (sum / k);
                    }
                }
            }
            default -> throw new IllegalStateException();
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                r.value[i][j] = missing[i][j] ? (method == Method.CONDITIONAL ? r.value[i][j]
                        : c.toFile(j, z[i * d + j])) : file[i][j];
            }
        }
        return r;
    }

    /**
     * The exact conditional of the one missing cell of each row: log p on a grid of that coordinate (integer
     * columns: the mass of each whole value in the training range, by SUB sub-points; others: GRID points over
     * the training range widened by a quarter on each side), normalised, giving the mean and the mode. The cell
     * gets the mean (continuous) or the mode (integer columns, the most probable whole value).
     */
    private static void conditional(UsedRun used, float[] z, boolean[][] missing, Result r) {
        UsedRun.Columns c = used.columns;
        int n = missing.length;
        int d = c.size();
        r.mean = new double[n];
        r.mode = new double[n];
        // candidate file-unit values per column (for a cell, the values of its grid)
        double[][] values = new double[d][];
        int[] per = new int[d];
        for (int j = 0; j < d; j++) {
            if (c.integer()[j]) {
                int lo = (int) Math.round(c.min()[j]);
                int hi = (int) Math.round(c.max()[j]);
                values[j] = new double[hi - lo + 1];
                for (int k = 0; k < values[j].length; k++) {
                    values[j][k] = lo + k;
                }
                per[j] = SUB;
            } else {
                double w = c.max()[j] - c.min()[j];
                double lo = c.min()[j] - 0.25 * w;
                double hi = c.max()[j] + 0.25 * w;
                values[j] = new double[GRID];
                for (int k = 0; k < GRID; k++) {
                    values[j][k] = lo + (k + 0.5) * (hi - lo) / GRID;
                }
                per[j] = 1;
            }
        }
        List<float[]> points = new ArrayList<>();
        int[] col = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            int j = 0;
            while (!missing[i][j]) {
                j++;
            }
            col[i] = j;
            total += values[j].length * per[j];
        }
        float[] all = new float[total * d];
        int p = 0;
        for (int i = 0; i < n; i++) {
            int j = col[i];
            for (double v : values[j]) {
                for (int s = 0; s < per[j]; s++) {
                    double fileValue = per[j] == 1 ? v : v - 0.5 + (s + 0.5) / per[j];
                    System.arraycopy(z, i * d, all, p * d, d);
                    all[p * d + j] = (float) c.toModel(j, fileValue);
                    p++;
                }
            }
        }
        double[] logp = used.logDensity(new Matrix(all, total, d));
        p = 0;
        for (int i = 0; i < n; i++) {
            int j = col[i];
            double[] mass = new double[values[j].length];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < mass.length; k++) {
                double m = Double.NEGATIVE_INFINITY;
                double[] sub = new double[per[j]];
                for (int s = 0; s < per[j]; s++) {
                    sub[s] = logp[p++];
                    m = Math.max(m, sub[s]);
                }
                double acc = 0;
                for (double v : sub) {
                    acc += Math.exp(v - m);
                }
                mass[k] = m + Math.log(acc / per[j]);
                max = Math.max(max, mass[k]);
            }
            double norm = 0;
            double mean = 0;
            int best = 0;
            for (int k = 0; k < mass.length; k++) {
                double w = Double.isNaN(mass[k]) ? 0 : Math.exp(mass[k] - max);
                norm += w;
                mean += w * values[j][k];
                if (mass[k] > mass[best]) {
                    best = k;
                }
            }
            r.mean[i] = mean / norm;
            r.mode[i] = values[j][best];
            r.value[i][j] = c.integer()[j] ? r.mode[i] : r.mean[i];
        }
    }

    private int evaluate(UsedRun used) {
        UsedRun.Columns c = used.columns;
        int target = column(used, evaluate);
        Matrix held = used.exp.dataset().heldOut();
        Matrix train = used.exp.dataset().train();
        int n = held.rows();
        int d = c.size();
        double[][] file = new double[n][d];
        boolean[][] missing = new boolean[n][d];
        double[] truth = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                file[i][j] = c.toFile(j, held.get(i, j));
            }
            truth[i] = c.integer()[target] ? Math.rint(file[i][target]) : file[i][target];
            missing[i][target] = true;
        }
        long t0 = System.nanoTime();
        Result r = run(used, file, missing);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] ebm = new double[n];
        double[] ebmExact = new double[n];
        for (int i = 0; i < n; i++) {
            // RMSE of the point prediction: the conditional mean (conditional), the end point (descent), the
            // average draw (langevin); exact matches of the rounded output (the mode, for conditional)
            ebm[i] = method == Method.CONDITIONAL ? r.mean[i] : r.value[i][target];
            ebmExact[i] = c.output(target, r.value[i][target], true);
        }
        double meanValue = c.toFile(target, train.columnMeans()[target]);
        double[] meanPred = new double[n];
        Arrays.fill(meanPred, meanValue);
        double[] regression = regression(train, held, target);
        for (int i = 0; i < n; i++) {
            regression[i] = c.toFile(target, regression[i]);
        }
        boolean integer = c.integer()[target];
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "imputing '%s' on the run's %d held-out rows (file units; the"
                + " other cells as the model saw them%s)%n", evaluate, n, integer ? ", dequantised" : ""));
        report.append(String.format(Locale.ROOT, "%-28s %10s%s%n", "method", "RMSE", integer ? "   exact match" : ""));
        row(report, "EBM " + method.name().toLowerCase(Locale.ROOT), ebm, ebmExact, truth, integer, c, target);
        row(report, "mean imputation", meanPred, meanPred, truth, integer, c, target);
        row(report, "linear regression", regression, regression, truth, integer, c, target);
        report.append(String.format(Locale.ROOT, "(EBM imputation took %.1f s)%n", seconds));
        System.out.print(report);
        Path out = output != null ? output : used.useFile("impute-evaluate-" + evaluate.replaceAll("[^A-Za-z0-9]+",
                "-"), "csv");
        StringBuilder sb = new StringBuilder("truth,ebm,ebm_output,mean,regression\n");
        for (int i = 0; i < n; i++) {
            sb.append(InputTable.fmt(truth[i])).append(',').append(InputTable.fmt(ebm[i])).append(',')
                    .append(InputTable.fmt(ebmExact[i])).append(',').append(InputTable.fmt(meanValue)).append(',')
                    .append(InputTable.fmt(regression[i])).append('\n');
        }
        AtomicFiles.writeString(out, sb.toString());
        AtomicFiles.writeString(out.resolveSibling(out.getFileName().toString().replaceFirst("\\.csv$", ".txt")),
                report.toString());
        System.out.println("per-row predictions: " + out);
        return 0;
    }

    private static void row(StringBuilder sb, String name, double[] pred, double[] output, double[] truth,
            boolean integer, UsedRun.Columns c, int target) {
        double ss = 0;
        int exact = 0;
        for (int i = 0; i < truth.length; i++) {
            ss += Math.pow(pred[i] - truth[i], 2);
            exact += c.output(target, output[i], true) == truth[i] ? 1 : 0;
        }
        sb.append(String.format(Locale.ROOT, "%-28s %10.4f%s%n", name, Math.sqrt(ss / truth.length),
                integer ? String.format(Locale.ROOT, "   %.3f", (double) exact / truth.length) : ""));
    }

    /**
     * Least-squares regression of the target column on the others (with an intercept), fitted on the training
     * rows in model space; predictions for the held-out rows in model space. A ridge of 1e-8 keeps it solvable.
     */
    static double[] regression(Matrix train, Matrix held, int target) {
        int d = train.cols();
        int p = d; // d - 1 inputs + intercept
        double[][] xtx = new double[p][p];
        double[] xty = new double[p];
        double[] f = new double[p];
        for (int i = 0; i < train.rows(); i++) {
            features(train, i, target, f);
            double y = train.get(i, target);
            for (int a = 0; a < p; a++) {
                xty[a] += f[a] * y;
                for (int b = 0; b < p; b++) {
                    xtx[a][b] += f[a] * f[b];
                }
            }
        }
        for (int a = 0; a < p; a++) {
            xtx[a][a] += 1e-8 * train.rows();
        }
        double[][] l = Cholesky.factor(xtx);
        double[][] li = Cholesky.invertLower(l);
        // beta = (L L^T)^-1 X^T y = L^-T L^-1 X^T y
        double[] u = new double[p];
        for (int a = 0; a < p; a++) {
            for (int b = 0; b <= a; b++) {
                u[a] += li[a][b] * xty[b];
            }
        }
        double[] beta = new double[p];
        for (int a = 0; a < p; a++) {
            for (int b = a; b < p; b++) {
                beta[a] += li[b][a] * u[b];
            }
        }
        double[] out = new double[held.rows()];
        for (int i = 0; i < held.rows(); i++) {
            features(held, i, target, f);
            for (int a = 0; a < p; a++) {
                out[i] += beta[a] * f[a];
            }
        }
        return out;
    }

    private static void features(Matrix m, int row, int target, double[] f) {
        int k = 0;
        for (int j = 0; j < m.cols(); j++) {
            if (j != target) {
                f[k++] = m.get(row, j);
            }
        }
        f[k] = 1;
    }
}
