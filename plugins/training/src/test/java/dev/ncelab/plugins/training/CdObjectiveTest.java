package dev.ncelab.plugins.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.model.Adam;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.objective.Step;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CdObjectiveTest {
    @Test
    void theLossIsTheEnergyGapPlusAlphaTimesTheSquaredEnergies() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] lpData = {-1f, -2f, 0.5f};
            float[] lpSamples = {-3f, -0.5f};
            Step.Terms t = new CdObjective(null, null, 0.25, 0).terms(m.create(lpData), m.create(lpSamples));
            // by hand: E+ = 1, 2, -0.5 (mean 5/6); E- = 3, 0.5 (mean 1.75); gap = 1.75 - 5/6 = 11/12
            // mean E+^2 = (1 + 4 + 0.25)/3 = 1.75; mean E-^2 = (9 + 0.25)/2 = 4.625
            double gap = 1.75 - 5.0 / 6;
            assertEquals(gap, t.metrics().get("energy_gap").getFloat(), 1e-6);
            assertEquals(-gap + 0.25 * (1.75 + 4.625), t.loss().getFloat(), 1e-6);
            assertEquals(t.loss().getFloat(), t.metrics().get("cd_loss").getFloat(), 0);
            assertEquals((1.75 + 4.625) / 2, t.metrics().get("energy_sq").getFloat(), 1e-6);
        }
    }

    @Test
    void doesNotClaimToLearnLogZ() {
        assertFalse(new CdObjective(null, null, 0, 0).identifiesLogZ());
    }

    /**
     * With exact model samples CD is maximum likelihood: a Gaussian energy fitted to N((1, -2), 0.5^2 I) data must
     * find that mean and standard deviation. 800 Adam steps (lr 0.05) of batch 256 from mu = 0, std = 1.
     */
    @Test
    void withExactSamplesItFitsAGaussianByMaximumLikelihood() {
        float[] mean = {1f, -2f};
        try (NDManager base = NDManager.newBaseManager()) {
            GaussEnergy e = new GaussEnergy(base, new float[] {0f, 0f}, 0f);
            CdObjective cd = new CdObjective(e, e.exactSampler(), 0, 0);
            Adam adam = new Adam(e.params, 0.05, 0.9, 0.999);
            Random data = new Random(1);
            Random objective = new Random(2);
            for (int it = 0; it < 800; it++) {
                try (NDManager m = base.newSubManager()) {
                    e.params.attach(m);
                    e.params.setLearning(true);
                    cd.step(new Steps(m, m.create(GaussEnergy.data(256, mean, 0.5, data), new Shape(256, 2)),
                            Player.ENERGY, objective));
                    adam.step();
                }
            }
            // the ML fit of 256 points has standard errors 0.5/16 = 0.03 (mean) and 0.5/sqrt(512) = 0.022 (std);
            // Adam at lr 0.05 adds a jitter of about lr around the optimum: 0.1 covers both with room
            assertEquals(1.0, e.mu()[0], 0.1);
            assertEquals(-2.0, e.mu()[1], 0.1);
            assertEquals(0.5, e.std(), 0.1);
        }
    }
}
