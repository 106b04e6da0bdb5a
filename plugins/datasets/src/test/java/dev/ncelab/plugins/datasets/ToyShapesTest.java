package dev.ncelab.plugins.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.data.Dataset;
import dev.ncelab.core.data.Matrix;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Row counts, seeding, the held-out draw, and the config keys of the toy data sets. */
class ToyShapesTest {
    @ParameterizedTest
    @CsvSource({
        "EIGHT_GAUSSIANS, 10001, 10001", "SPIRAL, 10001, 10001", "TWO_SPIRALS, 10001, 10000",
        "TWO_SPIRALS, 7, 6", "CHECKERBOARD, 10001, 10001", "RINGS, 10001, 10001", "RINGS, 3, 3",
        "PINWHEEL, 10004, 10000", "PINWHEEL, 7, 5", "PINWHEEL, 5, 5"
    })
    void rowCounts(Toy toy, int requested, int expected) {
        Dataset d = Fixtures.toy(toy, requested, requested, 1);
        assertEquals(2, d.dimension());
        assertEquals(expected, d.train().rows());
        assertEquals(2, d.train().cols());
        assertEquals(expected, d.heldOut().rows());
        for (float v : d.train().data()) {
            assertTrue(Float.isFinite(v));
        }
    }

    @ParameterizedTest
    @EnumSource(Toy.class)
    void sameSeedSameNumbersOtherSeedOtherNumbers(Toy toy) {
        Dataset a = Fixtures.toy(toy, 1000, 500, 42);
        Dataset b = Fixtures.toy(toy, 1000, 500, 42);
        Dataset c = Fixtures.toy(toy, 1000, 500, 43);
        assertArrayEquals(a.train().data(), b.train().data());
        assertArrayEquals(a.heldOut().data(), b.heldOut().data());
        assertFalse(Arrays.equals(a.train().data(), c.train().data()));
        assertFalse(Arrays.equals(a.heldOut().data(), c.heldOut().data()));
    }

    @ParameterizedTest
    @EnumSource(Toy.class)
    void heldOutIsAFreshDrawNotTrainingPoints(Toy toy) {
        Dataset d = Fixtures.toy(toy, 2000, 2000, 3);
        Set<Long> train = new HashSet<>();
        for (int i = 0; i < d.train().rows(); i++) {
            train.add(key(d.train(), i));
        }
        int shared = 0;
        for (int i = 0; i < d.heldOut().rows(); i++) {
            shared += train.contains(key(d.heldOut(), i)) ? 1 : 0;
        }
        assertEquals(0, shared, "held-out points that are also training points");
    }

    private static long key(Matrix m, int i) {
        return ((long) Float.floatToIntBits(m.get(i, 0)) << 32) | (Float.floatToIntBits(m.get(i, 1)) & 0xffffffffL);
    }

    /**
     * With n = 5 the three outer circles get n div 4 = 1 point each, at angle 0, and the inner circle the other
     * 2, at angles 0 and pi; every resampled row must sit within 0.5 (6 sd) of one of those five places.
     */
    @Test
    void ringsPlacesTheBasePointsPerCircle() {
        double[][] base = {{3, 0}, {2.25, 0}, {1.5, 0}, {0.75, 0}, {-0.75, 0}};
        Matrix m = Generators.rings(5, new Random(11));
        for (int i = 0; i < 5; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (double[] b : base) {
                best = Math.min(best, Math.hypot(m.get(i, 0) - b[0], m.get(i, 1) - b[1]));
            }
            assertTrue(best < 0.5, "row " + i + " is " + best + " from every base point");
        }
        Matrix inner = Generators.rings(3, new Random(12));
        for (int i = 0; i < 3; i++) {
            double rho = Math.hypot(inner.get(i, 0), inner.get(i, 1));
            // 0.4 is 5 sd of the 0.08 jitter and less than the 0.75 to the next circle
            assertEquals(0.75, rho, 0.4, "n = 3 puts every point on the inner circle");
        }
    }

    @Test
    void defaultsAndRangeChecksOfTheConfig() {
        ToyConfig c = Fixtures.bind(ToyConfig.class, "type: rings");
        assertEquals(10000, c.samples());
        assertEquals(10000, c.heldOut());
        assertEquals(250, Fixtures.bind(ToyConfig.class, "held_out: 250").heldOut());
        ConfigException e = assertThrows(ConfigException.class, () -> Fixtures.bind(ToyConfig.class, "samples: 0"));
        assertTrue(e.getMessage().contains("dataset.samples"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> Fixtures.bind(ToyConfig.class, "held_out: -3"));
        assertTrue(e.getMessage().contains("dataset.held_out"), e.getMessage());
    }

    @Test
    void tooFewPointsForPinwheelOrTwoSpiralsIsAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> Fixtures.toy(Toy.PINWHEEL, 4, 100, 1));
        assertTrue(e.getMessage().contains("dataset.samples") && e.getMessage().contains("at least 5"),
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> Fixtures.toy(Toy.TWO_SPIRALS, 100, 1, 1));
        assertTrue(e.getMessage().contains("dataset.held_out"), e.getMessage());
    }
}
