package dev.ncelab.plugins.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.data.Box;
import dev.ncelab.core.data.Dataset;
import dev.ncelab.core.data.TrueDensity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The true densities: normalisation on the box, agreement with the entropies of §1.8, and independent checks. */
class TrueDensityTest {
    /** Midpoint rule with 400 x 400 cells on the data set's box (cell side 0.02, a quarter of the rings' sd). */
    @ParameterizedTest
    @CsvSource({"EIGHT_GAUSSIANS, 0.9998", "CHECKERBOARD, 1.0", "RINGS, 1.0"})
    void integratesToOneOnItsBox(Toy toy, double expectedMass) {
        TrueDensity p = toy.density();
        Box b = toy.box();
        int n = 400;
        double hx = (b.xMax() - b.xMin()) / n;
        double hy = (b.yMax() - b.yMin()) / n;
        double sum = 0;
        double[] x = new double[2];
        for (int i = 0; i < n; i++) {
            x[0] = b.xMin() + (i + 0.5) * hx;
            for (int j = 0; j < n; j++) {
                x[1] = b.yMin() + (j + 0.5) * hy;
                sum += Math.exp(p.logDensity(x));
            }
        }
        double mass = sum * hx * hy;
        System.out.printf("[datasets] %s mass on its box = %.6f%n", toy.key(), mass);
        // 0.005: a wrong normaliser is off by a factor (ln 2 for a missing 1/2), far more than this
        assertEquals(1.0, mass, 0.005);
        // the mass on the box: 0.9998 for 8gaussians (reference §1.1, 4 digits), 1 for the others; the midpoint
        // rule on Gaussians 4+ cells wide errs by ~exp(-2 pi^2 sd^2 / h^2) < 1e-6, so 5e-4 is the reference's
        // rounding with a margin
        assertEquals(expectedMass, mass, 5e-4);
    }

    /** The mean true log-density of fresh held-out points estimates -H; §1.8 gives -2.832, -3.466, -2.624. */
    @ParameterizedTest
    @CsvSource({"EIGHT_GAUSSIANS, -2.832", "CHECKERBOARD, -3.466", "RINGS, -2.624"})
    void heldOutMeanLogDensityIsMinusTheEntropy(Toy toy, double minusH) {
        Dataset d = Fixtures.toy(toy, 10, 40_000, 2024);
        double[] logp = d.trueDensity().orElseThrow().logDensity(d.heldOut());
        double mean = 0;
        for (double v : logp) {
            assertTrue(Double.isFinite(v), "a held-out point off the support");
            mean += v;
        }
        mean /= logp.length;
        System.out.printf("[datasets] %s mean held-out log p = %.5f (reference %.3f)%n", toy.key(), mean, minusH);
        // log p(x) has sd about 1 (8gaussians, rings; 0 for the checkerboard), so the mean of 40,000 points has a
        // standard error near 0.005: 0.03 is 6 of them
        assertEquals(minusH, mean, 0.03);
        assertEquals(minusH, d.bestLogLikelihood().orElseThrow(), 0.001); // the §1.8 table's 3 decimals
    }

    @ParameterizedTest
    @EnumSource(Toy.class)
    void everyToyReportsMinusHAndTheReferenceBox(Toy toy) {
        Dataset d = Fixtures.toy(toy, 10, 10, 1);
        double expected = switch (toy) {
            case EIGHT_GAUSSIANS -> -2.832;
            case CHECKERBOARD -> -3.466;
            case RINGS -> -2.624;
            case TWO_SPIRALS -> -2.65;
            case PINWHEEL -> -2.32;
            case SPIRAL -> -1.96;
        };
        assertEquals(expected, d.bestLogLikelihood().orElseThrow(), 0.001); // the §1.8 table's 3 decimals
        assertEquals(Box.REFERENCE, d.box().orElseThrow());
        boolean known = toy == Toy.EIGHT_GAUSSIANS || toy == Toy.CHECKERBOARD || toy == Toy.RINGS;
        assertEquals(known, d.trueDensity().isPresent());
    }

    /** Against the mixture written out term by term (no log-sum-exp) where nothing underflows. */
    @Test
    void eightGaussiansMatchesTheMixtureFormula() {
        TrueDensity p = new EightGaussiansDensity();
        double r = 2 * Math.sqrt(2);
        double[][] centres = {{r, 0}, {-r, 0}, {0, r}, {0, -r}, {2, 2}, {-2, 2}, {2, -2}, {-2, -2}};
        double[][] points = {{0, 0}, {2.8, 0.1}, {2, 2}, {-1.3, 2.2}, {3.5, -3.5}, {0.4, -2.9}};
        for (double[] x : points) {
            double s = 0;
            for (double[] c : centres) {
                double d2 = (x[0] - c[0]) * (x[0] - c[0]) + (x[1] - c[1]) * (x[1] - c[1]);
                s += 0.125 * Math.exp(-d2 / (2 * 0.125)) / (2 * Math.PI * 0.125);
            }
            assertEquals(Math.log(s), p.logDensity(x), 1e-12);
        }
        assertEquals(-Math.log(8) - Math.log(Math.PI / 4), p.logDensity(new double[] {2, 2}), 1e-7,
                "at a centre the other components are negligible");
        double far = p.logDensity(new double[] {60, 60});
        assertTrue(Double.isFinite(far) && far < -1e4, "far away: finite and very negative, was " + far);
    }

    @Test
    void checkerboardValuesOnAndOffTheSupport() {
        TrueDensity p = new CheckerboardDensity();
        assertEquals(-Math.log(32), p.logDensity(new double[] {0.5, 0.5}), 1e-15);
        assertEquals(-Math.log(32), p.logDensity(new double[] {-3.5, -2.5}), 1e-15);
        assertEquals(-Math.log(32), p.logDensity(new double[] {-0.5, -1.5}), 1e-15);
        assertEquals(-Math.log(32), p.logDensity(new double[] {-4, -4}), 1e-15);
        assertEquals(Double.NEGATIVE_INFINITY, p.logDensity(new double[] {2.5, 0.5}));
        assertEquals(Double.NEGATIVE_INFINITY, p.logDensity(new double[] {-0.5, 0.5}));
        assertEquals(Double.NEGATIVE_INFINITY, p.logDensity(new double[] {4, 0.5}), "the box is half-open");
        assertEquals(Double.NEGATIVE_INFINITY, p.logDensity(new double[] {5, 5}));
    }

    /**
     * The rings quadrature against a brute-force evaluation of the defining integral: 200,000 angles, the
     * Gaussian written out in full, no alignment, no truncation. Relative agreement to 1e-6.
     */
    @Test
    void ringsQuadratureMatchesTheDefiningIntegral() {
        TrueDensity p = new RingsDensity();
        double[][] points = {{0, 0}, {3, 0}, {0.1, 2.2}, {-1.06, 1.06}, {0.3, -0.6}, {2.6, -1.7}, {3.9, 3.9},
            {-0.01, 0.02}, {1.1, 0.05}};
        int m = 200_000;
        double s2 = 0.08 * 0.08;
        for (double[] x : points) {
            double total = 0;
            for (double r : new double[] {3.0, 2.25, 1.5, 0.75}) {
                double sum = 0;
                for (int j = 0; j < m; j++) {
                    double phi = 2 * Math.PI * (j + 0.37) / m;
                    double dx = x[0] - r * Math.cos(phi);
                    double dy = x[1] - r * Math.sin(phi);
                    sum += Math.exp(-(dx * dx + dy * dy) / (2 * s2)) / (2 * Math.PI * s2);
                }
                total += 0.25 * sum / m;
            }
            double expected = Math.log(total);
            double got = p.logDensity(x);
            assertEquals(expected, got, 1e-6, "log p at (" + x[0] + ", " + x[1] + ")");
        }
    }

    @Test
    void ringsStaysFiniteFarAwayAndUsesMoreNodesForSharpPeaks() {
        TrueDensity p = new RingsDensity();
        double far = p.logDensity(new double[] {40, -30});
        assertTrue(Double.isFinite(far) && far < -1e4, "far away: " + far);
        assertEquals(512, RingsDensity.nodes(1000));
        assertTrue(RingsDensity.nodes(1e6) > 512);
        assertEquals(1.0, RingsDensity.angularMean(0), 1e-15);
        // exp(-kappa) I0(kappa) ~ 1 / sqrt(2 pi kappa) (1 + 1/(8 kappa)) for large kappa
        double k = 2000;
        assertEquals(1 / Math.sqrt(2 * Math.PI * k) * (1 + 1 / (8 * k) + 9 / (128 * k * k)),
                RingsDensity.angularMean(k), 1e-12);
        assertFalse(Double.isNaN(p.logDensity(new double[] {0, 0})));
    }
}
