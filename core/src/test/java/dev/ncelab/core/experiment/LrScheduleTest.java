package dev.ncelab.core.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ncelab.core.experiment.TrainingConfig.LrSchedule;
import dev.ncelab.core.experiment.TrainingConfig.LrSchedule.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The learning-rate factors against their closed forms (exact up to float64 rounding, hence 1e-12). */
class LrScheduleTest {
    static LrSchedule of(Shape shape, int warmup, double min, int every, double gamma) {
        return new LrSchedule(shape, warmup, min, every, gamma, List.of("energy", "noise"));
    }

    @Test
    void cosineRunsFromOneToTheFloorOverTheRun() {
        LrSchedule s = of(Shape.COSINE, 0, 0.1, 1, 0.5);
        assertEquals(1.0, s.factor(0, 1000), 1e-12);
        assertEquals(0.1 + 0.9 * 0.5, s.factor(500, 1000), 1e-12); // cos(pi/2) = 0: halfway between
        assertEquals(0.1, s.factor(1000, 1000), 1e-12);
    }

    @Test
    void stepDecayMultipliesByGammaEachInterval() {
        LrSchedule s = of(Shape.STEP, 0, 0, 100, 0.5);
        assertEquals(1.0, s.factor(99, 1000), 1e-12);
        assertEquals(0.5, s.factor(100, 1000), 1e-12);
        assertEquals(0.125, s.factor(350, 1000), 1e-12);
    }

    @Test
    void warmupRampsLinearlyThenHandsOver() {
        LrSchedule s = of(Shape.CONSTANT, 4, 0, 1, 0.5);
        assertEquals(0.25, s.factor(0, 1000), 1e-12);
        assertEquals(1.0, s.factor(3, 1000), 1e-12);
        assertEquals(1.0, s.factor(4, 1000), 1e-12);
    }
}
