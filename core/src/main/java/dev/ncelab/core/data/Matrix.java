package dev.ncelab.core.data;

import java.util.Arrays;
import java.util.Random;

/** A dense row-major float matrix in plain Java: how data sets hand rows to the training loop. */
public record Matrix(float[] data, int rows, int cols) {
    public Matrix {
        if (data.length != (long) rows * cols) {
            throw new IllegalArgumentException("matrix data has " + data.length + " values, expected " + rows
                    + " x " + cols);
        }
    }

    public static Matrix of(double[][] rows) {
        int c = rows.length == 0 ? 0 : rows[0].length;
        float[] d = new float[rows.length * c];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < c; j++) {
                d[i * c + j] = (float) rows[i][j];
            }
        }
        return new Matrix(d, rows.length, c);
    }

    public float get(int row, int col) {
        return data[row * cols + col];
    }

    public double[] row(int i) {
        double[] r = new double[cols];
        for (int j = 0; j < cols; j++) {
            r[j] = data[i * cols + j];
        }
        return r;
    }

    /** The first n rows (a view copy). */
    public Matrix head(int n) {
        int m = Math.min(n, rows);
        return new Matrix(Arrays.copyOf(data, m * cols), m, cols);
    }

    /** Rows at the given indices, in that order, copied into {@code out} (length indices * cols). */
    public void gather(int[] indices, int from, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            System.arraycopy(data, indices[from + i] * cols, out, i * cols, cols);
        }
    }

    public double[] columnMeans() {
        double[] m = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[j] += data[i * cols + j];
            }
        }
        for (int j = 0; j < cols; j++) {
            m[j] /= rows;
        }
        return m;
    }

    /** The (biased) covariance of the columns. */
    public double[][] covariance() {
        double[] mean = columnMeans();
        double[][] c = new double[cols][cols];
        for (int i = 0; i < rows; i++) {
            for (int a = 0; a < cols; a++) {
                double da = data[i * cols + a] - mean[a];
                for (int b = a; b < cols; b++) {
                    c[a][b] += da * (data[i * cols + b] - mean[b]);
                }
            }
        }
        for (int a = 0; a < cols; a++) {
            for (int b = a; b < cols; b++) {
                c[a][b] /= rows;
                c[b][a] = c[a][b];
            }
        }
        return c;
    }

    /** A random sample of n rows (with replacement when n exceeds the rows). */
    public Matrix sample(int n, Random random) {
        float[] d = new float[n * cols];
        for (int i = 0; i < n; i++) {
            System.arraycopy(data, random.nextInt(rows) * cols, d, i * cols, cols);
        }
        return new Matrix(d, n, cols);
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates, from the end), from a seeded stream. */
    public static int[] permutation(int n, java.util.Random r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }
}
