package dev.ncelab.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ncelab.core.data.Box;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.ParameterSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImportanceLogZTest {
    /** Unnormalised two-bump density exp(-|x-a|^2/2) + exp(-|x-b|^2/2) - c, a = (1.5, 0), b = (-1.5, 1): Z = 4 pi. */
    static final class TwoBumps implements EnergyModel {
        private final ParameterSet params;
        private final double c;

        TwoBumps(NDManager m, double c) {
            this.params = new ParameterSet(m);
            this.c = c;
        }

        @Override
        public ParameterSet parameters() {
            return params;
        }

        @Override
        public NDArray logDensity(NDArray x) {
            NDManager m = x.getManager();
            NDArray a = x.sub(m.create(new float[] {1.5f, 0f})).square().sum(new int[] {1}).mul(-0.5).exp();
            NDArray b = x.sub(m.create(new float[] {-1.5f, 1f})).square().sum(new int[] {1}).mul(-0.5).exp();
            return a.add(b).log().sub(c);
        }

        @Override
        public double logZ() {
            return c;
        }

        @Override
        public boolean learnsLogZ() {
            return true;
        }
    }

    @Test
    void logWeightsByHand() {
        // weights 1 and 3: mean 2, ESS (1+3)^2/(1+9) = 1.6, SE = sd{1,3}/sqrt(2)/mean = sqrt(2)/sqrt(2)/2 = 0.5
        // (1e-12: exact arithmetic in double, only rounding; 1e-9 below: exp/log of -700 loses a few more digits)
        ImportanceLogZ.Estimate e = ImportanceLogZ.fromLogWeights(new double[] {0, Math.log(3)});
        assertEquals(Math.log(2), e.logZ(), 1e-12);
        assertEquals(1.6, e.ess(), 1e-12);
        assertEquals(0.5, e.standardError(), 1e-12);
        // equal weights: no error, every draw effective; a NaN weight counts as zero and is reported
        ImportanceLogZ.Estimate flat = ImportanceLogZ.fromLogWeights(new double[] {-700, -700, -700, Double.NaN});
        assertEquals(-700 + Math.log(0.75), flat.logZ(), 1e-9);
        assertEquals(3, flat.ess(), 1e-9);
        assertEquals(1, flat.dropped());
    }

    @Test
    void agreesWithQuadratureIn2d() {
        try (NDManager m = NDManager.newBaseManager()) {
            TwoBumps energy = new TwoBumps(m, 0.7);
            // midpoint quadrature on [-9, 9]^2, 600^2 cells: the Gaussian tails beyond the box are < 1e-15 and
            // the midpoint error of a unit-width bump with h = 0.03 is about h^2/24 ~ 4e-5 relative
            Evaluator.Grid grid = new Evaluator.Grid(new Box(-9, 9, -9, 9), 600);
            double quad = grid.logIntegral(Evaluator.apply(m, grid.points(), energy::logDensity));
            assertEquals(Math.log(4 * Math.PI) - 0.7, quad, 1e-3, "quadrature against the closed form");
            // a Gaussian fitted to 4,000 draws of the bumps, widened by 1.2 so that its tails cover them
            Random r = new Random(5);
            double[][] rows = new double[4000][];
            for (int i = 0; i < rows.length; i++) {
                boolean first = r.nextBoolean();
                rows[i] = new double[] {(first ? 1.5 : -1.5) + r.nextGaussian(), (first ? 0 : 1) + r.nextGaussian()};
            }
            ImportanceLogZ.Gaussian q = ImportanceLogZ.Gaussian.fit(Matrix.of(rows), 1.2);
            for (long seed = 1; seed <= 3; seed++) {
                ImportanceLogZ.Estimate e = ImportanceLogZ.estimate(m, energy, q, 20_000, new Random(seed));
                // 4 standard errors (a false failure about once in 16,000 seeds) plus the quadrature's 1e-3
                assertEquals(quad, e.logZ(), 4 * e.standardError() + 1e-3, "seed " + seed + ": " + e);
                // theory for a well-matched proposal: the relative weight spread is O(1), so SE ~ 1/sqrt(n) ~ 0.007;
                // 0.02 fails if the proposal's log density were off in shape
                assertTrue(e.standardError() < 0.02, "standard error " + e.standardError());
                // the widened Gaussian over two unit bumps: ESS theory 1 / (1 + CV^2) with CV^2 below 1 gives over
                // half; 0.3 keeps a margin for the fitted (not exact) proposal
                assertTrue(e.ess() > 0.3 * e.samples(), "ESS " + e.ess());
            }
        }
    }

    @Test
    void gaussianLogProbIsNormalised() {
        double[][] cov = {{2.0, 0.6}, {0.6, 0.5}};
        ImportanceLogZ.Gaussian g = new ImportanceLogZ.Gaussian(new double[] {1, -1}, cov);
        Evaluator.Grid grid = new Evaluator.Grid(new Box(-9, 11, -6, 4), 500);
        // integrates to 1 (midpoint rule, error ~ h^2 = 4e-4 relative on this grid), and matches the closed form
        assertEquals(0, grid.logIntegral(g.logProb(grid.points())), 1e-3);
        double det = 2.0 * 0.5 - 0.36;
        double expected = -Math.log(2 * Math.PI) - 0.5 * Math.log(det);
        assertEquals(expected, g.logProb(Matrix.of(new double[][] {{1, -1}}))[0], 1e-6); // double closed form
    }
}
