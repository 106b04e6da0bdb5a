package dev.ncelab.plugins.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.plugin.PluginContext;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A set drawn again comes from the cache with the very numbers a fresh draw gives, in a copy of its own. */
class SampleCacheTest {
    private static Random stream(long seed) {
        return new Random(PluginContext.streamSeed(seed, "data"));
    }

    private static Matrix cached(Toy toy, int n, long seed) {
        return SampleCache.sample(toy, n, stream(seed), stream(seed));
    }

    @AfterEach
    void reset() {
        SampleCache.maxValues = 16_000_000;
        SampleCache.clear();
    }

    @Test
    void aSecondDrawIsTheFreshDrawsNumbersInACopy() {
        SampleCache.clear();
        Matrix fresh = Toy.SPIRAL.sample(3000, stream(5));
        Matrix first = cached(Toy.SPIRAL, 3000, 5);
        Matrix again = cached(Toy.SPIRAL, 3000, 5);
        assertEquals(6000, SampleCache.keptValues(), "the second draw must have come from the cache");
        assertArrayEquals(fresh.data(), first.data());
        assertArrayEquals(fresh.data(), again.data());
        assertNotSame(first.data(), again.data());
        first.data()[0] = 1e6f; // one run's rows changed in place do not reach the next run
        assertArrayEquals(fresh.data(), cached(Toy.SPIRAL, 3000, 5).data());
    }

    @Test
    void otherSeedsSizesAndToysAreOtherSets() {
        SampleCache.clear();
        assertArrayEquals(Toy.SPIRAL.sample(3000, stream(6)).data(), cached(Toy.SPIRAL, 3000, 6).data());
        cached(Toy.SPIRAL, 3000, 5);
        assertArrayEquals(Toy.SPIRAL.sample(2000, stream(5)).data(), cached(Toy.SPIRAL, 2000, 5).data());
        assertArrayEquals(Toy.RINGS.sample(3000, stream(5)).data(), cached(Toy.RINGS, 3000, 5).data());
        assertEquals(2 * (3000 + 3000 + 2000 + 3000), SampleCache.keptValues());
    }

    @Test
    void keepsAtMostTheBoundLeastRecentlyUsedFirst() {
        SampleCache.clear();
        SampleCache.maxValues = 10_000; // two sets of 4,000 values
        cached(Toy.RINGS, 2000, 1);
        cached(Toy.RINGS, 2000, 2);
        cached(Toy.RINGS, 2000, 1); // seed 1 is now the most recently used
        cached(Toy.RINGS, 2000, 3); // seed 2 goes
        assertEquals(8000, SampleCache.keptValues());
        assertTrue(SampleCache.holds(Toy.RINGS, 2000, stream(1)));
        assertFalse(SampleCache.holds(Toy.RINGS, 2000, stream(2)));
        assertTrue(SampleCache.holds(Toy.RINGS, 2000, stream(3)));
        cached(Toy.RINGS, 6000, 4); // 12,000 values: more than the bound, never kept
        assertFalse(SampleCache.holds(Toy.RINGS, 6000, stream(4)));
        assertEquals(8000, SampleCache.keptValues());
    }
}
