package dev.ncelab.core.data;

/** The log-density of the distribution a data set draws from, where it is known. */
public interface TrueDensity {
    /** log p(x) for one point, in float64. */
    double logDensity(double[] x);

    default double[] logDensity(Matrix points) {
        double[] out = new double[points.rows()];
        for (int i = 0; i < out.length; i++) {
            out[i] = logDensity(points.row(i));
        }
        return out;
    }
}
