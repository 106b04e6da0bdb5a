package dev.ncelab.plugins.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.data.Matrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The generators against the numbers of docs/reference-implementation.md §1 (and moments derived from its recipes). Sample sizes
 * are large enough that each tolerance is several standard errors, yet a wrong constant or sign fails.
 */
class ToyStatisticsTest {
    private static final int N = 100_000;

    private static void report(String what, double value) {
        System.out.printf("[datasets] %s = %.5f%n", what, value);
    }

    @Test
    void eightGaussiansSpreadAndWeights() {
        Matrix m = Generators.eightGaussians(N, new Random(1));
        double[] std = Fixtures.columnStd(m);
        report("8gaussians std x", std[0]);
        report("8gaussians std y", std[1]);
        // reference §1.1: per-coordinate variance of the centres 4 plus 1/8 within: sqrt(4.125) = 2.031; the
        // standard error of a sample sd here is sd(x^2) / (2 sigma sqrt N) = 3.3 / 1,284 = 0.0026: 0.02 is 8 of them
        assertEquals(2.031, std[0], 0.02);
        assertEquals(2.031, std[1], 0.02);
        double[] mean = m.columnMeans();
        // symmetric centres: mean 0, standard error 2.031 / sqrt N = 0.0064; 0.03 is 4.7 of them
        assertEquals(0, mean[0], 0.03);
        assertEquals(0, mean[1], 0.03);
        double r = 2 * Math.sqrt(2);
        double[][] centres = {{r, 0}, {-r, 0}, {0, r}, {0, -r}, {2, 2}, {-2, 2}, {2, -2}, {-2, -2}};
        int[] count = new int[8];
        double ss = 0;
        for (int i = 0; i < N; i++) {
            int best = 0;
            double bestD = Double.POSITIVE_INFINITY;
            for (int k = 0; k < 8; k++) {
                double d = Math.hypot(m.get(i, 0) - centres[k][0], m.get(i, 1) - centres[k][1]);
                if (d < bestD) {
                    bestD = d;
                    best = k;
                }
            }
            count[best]++;
            ss += bestD * bestD;
        }
        double spread = Math.sqrt(ss / (2 * N));
        report("8gaussians per-coordinate spread around the nearest centre", spread);
        // reference §1.1: 0.5 / sqrt 2 = 0.3536; standard error 0.3536 / sqrt(4N) = 0.00056: 0.005 is 9 of them
        assertEquals(0.3536, spread, 0.005);
        for (int k = 0; k < 8; k++) {
            // equal weights; binomial standard error sqrt(1/8 * 7/8 / N) = 0.00105: 0.01 is 9.5 of them
            assertEquals(1.0 / 8, count[k] / (double) N, 0.01, "weight of component " + k);
        }
    }

    @Test
    void checkerboardIsUniformOnTheEightBlackSquares() {
        Matrix m = Generators.checkerboard(N, new Random(2));
        int[][] cells = new int[4][4];
        double[] offset = new double[2];
        for (int i = 0; i < N; i++) {
            float x = m.get(i, 0);
            float y = m.get(i, 1);
            assertTrue(x >= -4 && x < 4 && y >= -4 && y < 4, "row " + i + " outside [-4, 4)^2: " + x + ", " + y);
            long fx = (long) Math.floor(x / 2.0);
            long fy = (long) Math.floor(y / 2.0);
            assertEquals(0, Math.floorMod(fx + fy, 2L), "row " + i + " is on a white square: " + x + ", " + y);
            cells[(int) fx + 2][(int) fy + 2]++;
            offset[0] += x - 2 * fx;
            offset[1] += y - 2 * fy;
        }
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                if ((a + b) % 2 == 0) {
                    // reference §1.4: uniform on 8 squares; binomial standard error 0.00105: 0.01 is 9.5 of them
                    assertEquals(1.0 / 8, cells[a][b] / (double) N, 0.01, "square " + a + ", " + b);
                }
            }
        }
        // uniform on [0, 2) inside a square: mean 1, standard error (2 / sqrt 12) / sqrt N = 0.0018; 0.02 is 11
        assertEquals(1, offset[0] / N, 0.02, "mean x offset inside a square");
        assertEquals(1, offset[1] / N, 0.02, "mean y offset inside a square");
    }

    @Test
    void checkerboardRoundingNeverLeavesTheSquare() {
        assertEquals(3.9999998f, Generators.toFloatInCell(4 - 1e-12));
        assertEquals(Math.nextDown(2f), Generators.toFloatInCell(2 - 1e-12));
        assertEquals(Math.nextDown(-2f), Generators.toFloatInCell(-2 - 1e-12));
        assertEquals(-2f, Generators.toFloatInCell(-2));
        assertEquals(0.5f, Generators.toFloatInCell(0.5));
    }

    @Test
    void ringsRadiiAndWeights() {
        Matrix m = Generators.rings(N, new Random(3));
        double[] radii = Generators.RING_RADII;
        int[] count = new int[4];
        double[] sum = new double[4];
        double[] ss = new double[4];
        for (int i = 0; i < N; i++) {
            double rho = Math.hypot(m.get(i, 0), m.get(i, 1));
            int best = 0;
            for (int c = 1; c < 4; c++) {
                if (Math.abs(rho - radii[c]) < Math.abs(rho - radii[best])) {
                    best = c;
                }
            }
            count[best]++;
            sum[best] += rho;
            ss[best] += (rho - radii[best]) * (rho - radii[best]);
        }
        for (int c = 0; c < 4; c++) {
            double mean = sum[c] / count[c];
            double sd = Math.sqrt(ss[c] / count[c]);
            report("rings mean radius of ring " + radii[c], mean);
            report("rings radial sd of ring " + radii[c], sd);
            // reference §1.5: a quarter each; binomial standard error sqrt(.25 * .75 / N) = 0.0014: 0.01 is 7
            assertEquals(0.25, count[c] / (double) N, 0.01, "weight of ring " + radii[c]);
            // the radius is biased up by about 0.08^2 / 2r (0.0043 for the inner ring) and has standard error
            // 0.08 / sqrt(N / 4) = 0.0005: 0.01 covers the bias and 10 standard errors
            assertEquals(radii[c], mean, 0.01);
            // the jitter sd 0.08 (reference §1.5); standard error 0.08 / sqrt(2 N / 4) = 0.00036: 0.005 is 14
            assertEquals(0.08, sd, 0.005);
        }
    }

    /**
     * One arm: t has density 2t / (3 pi)^2 on [0, 3 pi], so E[-t cos t] = 4 / 3 pi and E[t sin t] = 2 - 8 / 9 pi^2;
     * with the uniform jitter's mean 0.25, E[x] = (4 / 3 pi + 0.25) / 3 = 0.2248, E[y] = 0.7200, and
     * E|x|^2 = (E t^2 + jitter terms) / 9 + 0.02 = 5.103.
     */
    @Test
    void spiralMomentsAndRange() {
        Matrix m = Generators.spiral(N, new Random(4));
        double[] mean = m.columnMeans();
        report("spiral mean x", mean[0]);
        report("spiral mean y", mean[1]);
        double ex = (4 / (3 * Math.PI) + 0.25) / 3;
        double ey = (2 - 8 / (9 * Math.PI * Math.PI) + 0.25) / 3;
        // per-coordinate sd about 1.6, so the standard error of a mean is 0.005: 0.02 is 4 of them
        assertEquals(ex, mean[0], 0.02);
        assertEquals(ey, mean[1], 0.02);
        double sq = meanSquaredNorm(m);
        report("spiral mean squared norm", sq);
        // |x|^2 is close to t^2 / 9 = pi^2 U, uniform on [0, 9.9]: sd 2.85, standard error 0.009; 0.05 is 5.5
        assertEquals(expectedSquaredNorm(), sq, 0.05);
        // the arm's extremes for t <= 3 pi before jitter and noise: x in [-2.12, 3.14], y in [-1.60, 2.64]; then
        // the [0, 0.5)/3 jitter and the 0.1 z noise (up to 0.45 over 100,000 points) widen them; measured x
        // -2.43..3.65, y -1.92..3.10 (seed 4)
        double[] r = range(m);
        report("spiral x min", r[0]);
        report("spiral x max", r[1]);
        report("spiral y min", r[2]);
        report("spiral y max", r[3]);
        assertTrue(r[0] > -2.7 && r[0] < -2.0, "x min " + r[0]);
        assertTrue(r[1] > 3.3 && r[1] < 4.0, "x max " + r[1]);
        assertTrue(r[2] > -2.2 && r[2] < -1.5, "y min " + r[2]);
        assertTrue(r[3] > 2.7 && r[3] < 3.4, "y max " + r[3]);
    }

    @Test
    void twoSpiralsAreMirroredArmsInTheReferenceRange() {
        int n = 10_000;
        Matrix m = Generators.twoSpirals(n, new Random(5));
        double[] r = range(m);
        report("2spirals x min", r[0]);
        report("2spirals x max", r[1]);
        report("2spirals y min", r[2]);
        report("2spirals y max", r[3]);
        // docs/reference-implementation.md §1.2: range about [-3.7, 3.7] x [-3.2, 3.3]; 0.3 allows for the 0.1 z noise's extremes
        // over 10,000 points (3.5 to 4.5 sd, i.e. 0.35-0.45 around the jittered arm's own end)
        assertEquals(-3.7, r[0], 0.3);
        assertEquals(3.7, r[1], 0.3);
        assertEquals(-3.2, r[2], 0.3);
        assertEquals(3.3, r[3], 0.3);
        Matrix big = Generators.twoSpirals(N, new Random(6));
        int half = N / 2;
        double[] a = big.head(half).columnMeans();
        double[] all = big.columnMeans();
        report("2spirals arm A mean x", a[0]);
        report("2spirals arm A mean y", a[1]);
        // the spiral's moments on N / 2 points: standard error 1.6 / sqrt(50,000) = 0.007; 0.03 is 4 of them
        assertEquals((4 / (3 * Math.PI) + 0.25) / 3, a[0], 0.03);
        assertEquals((2 - 8 / (9 * Math.PI * Math.PI) + 0.25) / 3, a[1], 0.03);
        // B = -A exactly, so only the 0.1 z noise is left: standard error 0.1 / sqrt N = 0.0003 (0.02 is loose,
        // but a missing mirror would put the mean at 0.22, 0.72)
        assertEquals(0, all[0], 0.02, "the mirrored arm cancels the mean");
        assertEquals(0, all[1], 0.02);
        double sq = meanSquaredNorm(big);
        report("2spirals mean squared norm", sq);
        // as for spiral: standard error 0.009; 0.05 is 5.5 of them
        assertEquals(expectedSquaredNorm(), sq, 0.05);
    }

    private static double expectedSquaredNorm() {
        double et2 = 9 * Math.PI * Math.PI / 2;
        double cross = 0.5 * (4 / (3 * Math.PI) + 2 - 8 / (9 * Math.PI * Math.PI));
        return (et2 + cross + 0.5 / 3) / 9 + 0.02;
    }

    /**
     * E|x|^2 = 4 (E f0^2 + E f1^2) = 4 (1 + 0.09 + 0.01) = 4.4; and the point's polar angle is -theta up to the
     * small tangential part, so psi + 0.25 exp(|x| / 2) must be close to a multiple of 2 pi / 5 (this fails if
     * f were rotated by +theta).
     */
    @Test
    void pinwheelMomentsArmsAndMassOutsideTheBox() {
        Matrix m = Generators.pinwheel(N, new Random(7));
        assertEquals(N, m.rows());
        double sq = meanSquaredNorm(m);
        report("pinwheel mean squared norm", sq);
        // |x|^2 = 4 (f0^2 + f1^2): sd 4 sqrt(Var f0^2 + Var f1^2) = 4 x 0.61 = 2.45, standard error 0.0077;
        // 0.04 is 5 of them
        assertEquals(4.4, sq, 0.04);
        double[] mean = m.columnMeans();
        // five arms at equal angles: mean 0; per-coordinate sd about 1.5, standard error 0.005; 0.03 is 6
        assertEquals(0, mean[0], 0.03);
        assertEquals(0, mean[1], 0.03);
        int onArm = 0;
        int outside = 0;
        double sector = 2 * Math.PI / 5;
        for (int i = 0; i < N; i++) {
            double x = m.get(i, 0);
            double y = m.get(i, 1);
            double rho = Math.hypot(x, y);
            double residual = Math.atan2(y, x) + 0.25 * Math.exp(rho / 2);
            double d = residual - sector * Math.rint(residual / sector);
            onArm += Math.abs(d) < 0.35 ? 1 : 0;
            outside += Math.abs(x) > 4 || Math.abs(y) > 4 ? 1 : 0;
        }
        report("pinwheel fraction within 0.35 rad of an arm", onArm / (double) N);
        report("pinwheel fraction outside [-4,4]^2", outside / (double) N);
        // the tangential part f1 (sd 0.1 against a radius near 2) moves the angle by about 0.05 rad: 0.35 rad is
        // 7 of those, so nearly every point is within it; measured 0.987 (seed 7)
        assertTrue(onArm > 0.95 * N, "points on the predicted arms: " + onArm);
        // reference §1.6: "a few points leave the [-4, 4]^2 window"; measured 0.0002 (20 of 100,000, seed 7)
        assertTrue(outside < 0.005 * N, "points outside the box: " + outside);
        assertTrue(outside > 0, "some pinwheel points do reach beyond the box");
    }

    private static double meanSquaredNorm(Matrix m) {
        double s = 0;
        for (int i = 0; i < m.rows(); i++) {
            s += m.get(i, 0) * (double) m.get(i, 0) + m.get(i, 1) * (double) m.get(i, 1);
        }
        return s / m.rows();
    }

    private static double[] range(Matrix m) {
        double[] r = {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = 0; i < m.rows(); i++) {
            r[0] = Math.min(r[0], m.get(i, 0));
            r[1] = Math.max(r[1], m.get(i, 0));
            r[2] = Math.min(r[2], m.get(i, 1));
            r[3] = Math.max(r[3], m.get(i, 1));
        }
        return r;
    }
}
