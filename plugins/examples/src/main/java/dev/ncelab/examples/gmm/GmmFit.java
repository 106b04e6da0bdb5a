package dev.ncelab.examples.gmm;

import java.util.Arrays;
import java.util.Random;

/**
 * Fits a {@link GaussianMixture} to data by expectation-maximisation, in float64. Initialisation: greedy
 * k-means++ centres (several candidates per centre, the one that lowers the k-means cost most is kept) refined
 * by Lloyd's iterations, repeated {@code restarts} times; the clustering with the lowest k-means cost gives
 * the starting weights, means and covariances. (One k-means++ start can cover two adjacent clusters with one
 * centre and split another, a local optimum that EM does not leave.)
 */
final class GmmFit {
    /** EM stops once the mean log-likelihood gains less than this. */
    static final double TOLERANCE = 1e-7;
    private static final int LLOYD_ITERATIONS = 20;

    /** The fitted mixture, the EM iterations run and the final mean log-likelihood of the fitted rows. */
    record Result(GaussianMixture mixture, int iterations, double meanLogLikelihood, boolean converged) {}

    private final double[][] x;
    private final int n;
    private final int d;
    private final int k;
    private final boolean diagonal;
    private final double regularization;

    private GmmFit(double[][] x, int k, boolean diagonal, double regularization) {
        this.x = x;
        this.n = x.length;
        this.d = x[0].length;
        this.k = k;
        this.diagonal = diagonal;
        this.regularization = regularization;
    }

    /**
     * @param x the rows to fit (at least k)
     * @throws IllegalArgumentException when a covariance is not positive definite (raise the regularization)
     */
    static Result fit(double[][] x, int k, int maxIterations, boolean diagonal, double regularization,
            int restarts, Random random) {
        if (x.length < k) {
            throw new IllegalArgumentException(k + " components need at least " + k + " rows, found " + x.length);
        }
        GmmFit f = new GmmFit(x, k, diagonal, regularization);
        int[] labels = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (int r = 0; r < restarts; r++) {
            double[][] centres = f.kMeansPlusPlus(random);
            int[] l = f.lloyd(centres);
            double cost = f.cost(centres, l);
            if (cost < bestCost) {
                bestCost = cost;
                labels = l;
            }
        }
        GaussianMixture g = f.fromLabels(labels);
        double[][] resp = new double[f.n][k];
        double previous = Double.NEGATIVE_INFINITY;
        boolean converged = false;
        int it = 0;
        while (it < maxIterations) {
            it++;
            double ll = f.expectation(g, resp);
            g = f.maximisation(resp, g);
            if (Math.abs(ll - previous) < TOLERANCE) {
                converged = true;
                break;
            }
            previous = ll;
        }
        return new Result(g, it, f.expectation(g, resp), converged);
    }

    /** Greedy k-means++: each new centre is the best of 2 + ln k candidates drawn with probability ~ D^2. */
    double[][] kMeansPlusPlus(Random random) {
        double[][] centres = new double[k][];
        centres[0] = x[random.nextInt(n)].clone();
        double[] d2 = new double[n];
        for (int i = 0; i < n; i++) {
            d2[i] = dist2(x[i], centres[0]);
        }
        int trials = 2 + (int) Math.log(k);
        double[] candidate = new double[n];
        double[] best = new double[n];
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (double v : d2) {
                total += v;
            }
            int bestIndex = -1;
            double bestCost = Double.POSITIVE_INFINITY;
            for (int t = 0; t < trials; t++) {
                int index = total > 0 ? drawProportional(d2, total, random) : random.nextInt(n);
                double cost = 0;
                for (int i = 0; i < n; i++) {
                    candidate[i] = Math.min(d2[i], dist2(x[i], x[index]));
                    cost += candidate[i];
                }
                if (cost < bestCost) {
                    bestCost = cost;
                    bestIndex = index;
                    System.arraycopy(candidate, 0, best, 0, n);
                }
            }
            centres[c] = x[bestIndex].clone();
            System.arraycopy(best, 0, d2, 0, n);
        }
        return centres;
    }

    private int drawProportional(double[] w, double total, Random random) {
        double u = random.nextDouble() * total;
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += w[i];
            if (u < s) {
                return i;
            }
        }
        for (int i = n - 1; i >= 0; i--) { // rounding at the end of the scan
            if (w[i] > 0) {
                return i;
            }
        }
        return n - 1;
    }

    /** Lloyd's iterations from the given centres; returns each row's cluster. An empty cluster keeps its centre. */
    int[] lloyd(double[][] centres) {
        int[] labels = new int[n];
        Arrays.fill(labels, -1);
        for (int it = 0; it < LLOYD_ITERATIONS; it++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int bestC = 0;
                double bestD = Double.POSITIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    double dd = dist2(x[i], centres[c]);
                    if (dd < bestD) {
                        bestD = dd;
                        bestC = c;
                    }
                }
                if (labels[i] != bestC) {
                    labels[i] = bestC;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
            double[][] sums = new double[k][d];
            int[] counts = new int[k];
            for (int i = 0; i < n; i++) {
                counts[labels[i]]++;
                for (int j = 0; j < d; j++) {
                    sums[labels[i]][j] += x[i][j];
                }
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] > 0) {
                    for (int j = 0; j < d; j++) {
                        centres[c][j] = sums[c][j] / counts[c];
                    }
                }
            }
        }
        return labels;
    }

    /** The k-means cost: the sum of squared distances of the rows to their centres. */
    double cost(double[][] centres, int[] labels) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += dist2(x[i], centres[labels[i]]);
        }
        return s;
    }

    /** The mixture of the hard clusters; a cluster of fewer than two rows gets the covariance of all the data. */
    GaussianMixture fromLabels(int[] labels) {
        double[][] resp = new double[n][k];
        for (int i = 0; i < n; i++) {
            resp[i][labels[i]] = 1;
        }
        double[][] global = covariance(null, -1, mean(null, -1, n), n);
        double[] weights = new double[k];
        double[][] means = new double[k][];
        double[][][] covs = new double[k][][];
        for (int c = 0; c < k; c++) {
            double nk = 0;
            for (int i = 0; i < n; i++) {
                nk += resp[i][c];
            }
            weights[c] = nk / n;
            means[c] = nk > 0 ? mean(resp, c, nk) : x[0].clone();
            covs[c] = nk >= 2 ? covariance(resp, c, means[c], nk) : copy(global);
            regularise(covs[c]);
        }
        return new GaussianMixture(weights, means, covs);
    }

    /** Fills the responsibilities and returns the mean log-likelihood of the rows. */
    double expectation(GaussianMixture g, double[][] resp) {
        double[] work = new double[d];
        double total = 0;
        for (int i = 0; i < n; i++) {
            double[] r = resp[i];
            g.jointLogDensities(x[i], r, work);
            double lse = GaussianMixture.logSumExp(r);
            for (int c = 0; c < k; c++) {
                r[c] = Math.exp(r[c] - lse);
            }
            total += lse;
        }
        return total / n;
    }

    /** The weighted maximum-likelihood mixture; a component with (almost) no responsibility keeps its shape. */
    GaussianMixture maximisation(double[][] resp, GaussianMixture previous) {
        double[] weights = new double[k];
        double[][] means = new double[k][];
        double[][][] covs = new double[k][][];
        for (int c = 0; c < k; c++) {
            double nk = 0;
            for (int i = 0; i < n; i++) {
                nk += resp[i][c];
            }
            weights[c] = nk / n;
            if (nk < 1e-8) {
                means[c] = previous.mean(c);
                covs[c] = previous.covariance(c);
            } else {
                means[c] = mean(resp, c, nk);
                covs[c] = covariance(resp, c, means[c], nk);
                regularise(covs[c]);
            }
        }
        return new GaussianMixture(weights, means, covs);
    }

    /** The weighted mean of the rows (resp null: unweighted). */
    private double[] mean(double[][] resp, int c, double nk) {
        double[] m = new double[d];
        for (int i = 0; i < n; i++) {
            double w = resp == null ? 1 : resp[i][c];
            if (w != 0) {
                for (int j = 0; j < d; j++) {
                    m[j] += w * x[i][j];
                }
            }
        }
        for (int j = 0; j < d; j++) {
            m[j] /= nk;
        }
        return m;
    }

    /** The weighted covariance about {@code mu} (full or diagonal, as configured). */
    private double[][] covariance(double[][] resp, int c, double[] mu, double nk) {
        double[][] s = new double[d][d];
        double[] diff = new double[d];
        for (int i = 0; i < n; i++) {
            double w = resp == null ? 1 : resp[i][c];
            if (w == 0) {
                continue;
            }
            for (int j = 0; j < d; j++) {
                diff[j] = x[i][j] - mu[j];
            }
            for (int a = 0; a < d; a++) {
                double wa = w * diff[a];
                if (diagonal) {
                    s[a][a] += wa * diff[a];
                } else {
                    for (int b = 0; b <= a; b++) {
                        s[a][b] += wa * diff[b];
                    }
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b <= a; b++) {
                s[a][b] /= nk;
                s[b][a] = s[a][b];
            }
        }
        return s;
    }

    private void regularise(double[][] s) {
        for (int a = 0; a < d; a++) {
            s[a][a] += regularization;
        }
    }

    private static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    private static double dist2(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double t = a[j] - b[j];
            s += t * t;
        }
        return s;
    }
}
