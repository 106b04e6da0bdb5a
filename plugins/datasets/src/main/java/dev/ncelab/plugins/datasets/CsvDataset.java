package dev.ncelab.plugins.datasets;

import dev.ncelab.core.data.Box;
import dev.ncelab.core.data.Dataset;
import dev.ncelab.core.data.Matrix;
import java.util.List;
import java.util.Optional;

/**
 * A numeric table split into training and held-out rows, optionally z-scored with the training split's
 * statistics. It keeps the column names and the scaling, so that a caller (imputation, sampling) can map
 * model-space values back to the file's units with {@link #destandardize}.
 */
public final class CsvDataset implements Dataset {
    private final List<String> columns;
    private final Matrix train;
    private final Matrix heldOut;
    private final double[] mean;
    private final double[] scale;
    private final List<String> warnings;
    private final boolean[] integer;
    private final double[] min;
    private final double[] max;

    /**
     * @param mean the value subtracted from each column (zeros when not standardised)
     * @param scale the value each column was then divided by (ones when not standardised)
     * @param warnings what was found suspicious in the file (outlier cells), one line each
     * @param integer the dequantised (integer-valued) columns
     * @param min per-column minimum of the training rows in file units, before dequantisation
     * @param max per-column maximum of the training rows in file units, before dequantisation
     */
    public CsvDataset(List<String> columns, Matrix train, Matrix heldOut, double[] mean, double[] scale,
            List<String> warnings, boolean[] integer, double[] min, double[] max) {
        this.integer = integer.clone();
        this.min = min.clone();
        this.max = max.clone();
        this.columns = List.copyOf(columns);
        this.warnings = List.copyOf(warnings);
        this.train = train;
        this.heldOut = heldOut;
        this.mean = mean.clone();
        this.scale = scale.clone();
    }

    /** The kept column names, in model order. */
    public List<String> columns() {
        return columns;
    }

    /** Per-column mean of the training split that was subtracted (zeros when not standardised). */
    public double[] mean() {
        return mean.clone();
    }

    /** Per-column standard deviation (n - 1) of the training split that divided (ones when not standardised). */
    public double[] scale() {
        return scale.clone();
    }

    /** Suspicious cells found while reading ({@code file:line column 'name': ...}), kept or dropped. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Which columns hold whole numbers and were dequantised (spread uniformly over [v - 0.5, v + 0.5) before
     * standardising): their values in {@link #train()} and {@link #heldOut()} carry that jitter, and rounding a
     * de-standardised value gives the cell back.
     */
    public boolean[] integerColumns() {
        return integer.clone();
    }

    /** Per-column minimum of the training rows in file units (before dequantisation). */
    public double[] trainingMin() {
        return min.clone();
    }

    /** Per-column maximum of the training rows in file units (before dequantisation). */
    public double[] trainingMax() {
        return max.clone();
    }

    /** Model-space row to file units. */
    public double[] destandardize(double[] row) {
        double[] out = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            out[j] = row[j] * scale[j] + mean[j];
        }
        return out;
    }

    /** File-unit row to model space. */
    public double[] standardize(double[] row) {
        double[] out = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            out[j] = (row[j] - mean[j]) / scale[j];
        }
        return out;
    }

    @Override
    public int dimension() {
        return columns.size();
    }

    @Override
    public Matrix train() {
        return train;
    }

    @Override
    public Matrix heldOut() {
        return heldOut;
    }

    /**
     * For two columns, the bounding box of all rows widened by 10% of its size on each side (the reference
     * [-4, 4]^2 window means nothing for arbitrary units); empty otherwise.
     */
    @Override
    public Optional<Box> box() {
        if (dimension() != 2) {
            return Optional.empty();
        }
        double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (Matrix m : List.of(train, heldOut)) {
            for (int i = 0; i < m.rows(); i++) {
                for (int j = 0; j < 2; j++) {
                    lo[j] = Math.min(lo[j], m.get(i, j));
                    hi[j] = Math.max(hi[j], m.get(i, j));
                }
            }
        }
        double[] pad = new double[2];
        for (int j = 0; j < 2; j++) {
            pad[j] = hi[j] > lo[j] ? 0.1 * (hi[j] - lo[j]) : 1;
        }
        return Optional.of(new Box(lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1]));
    }
}
