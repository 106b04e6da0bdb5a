package dev.ncelab.plugins.datasets;

import dev.ncelab.core.data.Matrix;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The toy sets this JVM generated lately, so that a sweep worker, which trains points that share a seed one after
 * the other, draws each set once (500,000 8gaussians points take about 0.09 s). A set is known by its toy, its size
 * and the first number of the stream it is drawn from (a stream is a fresh {@link Random} from the run seed and a
 * purpose, so equal first numbers mean equal streams). Every caller gets its own copy: nothing a run does to its
 * rows can reach another run. At most {@link #maxValues} floats are kept, the least recently used go first.
 */
final class SampleCache {
    /** 64 MB of floats: a dozen 500,000-point training sets (tests lower it). */
    static long maxValues = 16_000_000;

    private record Key(Toy toy, int n, long firstDraw) {}

    private static final Map<Key, Matrix> SETS = new LinkedHashMap<>(16, 0.75f, true);
    private static long values;

    private SampleCache() {}

    /** {@code toy.sample(n, stream)}, from the cache when the same stream drew it before. */
    static Matrix sample(Toy toy, int n, Random stream, Random sameStream) {
        Key key = new Key(toy, n, sameStream.nextLong());
        Matrix kept;
        synchronized (SETS) {
            kept = SETS.get(key);
        }
        if (kept == null) {
            kept = toy.sample(n, stream);
            keep(key, kept);
        }
        return new Matrix(kept.data().clone(), kept.rows(), kept.cols());
    }

    private static void keep(Key key, Matrix m) {
        synchronized (SETS) {
            if (m.data().length > maxValues || SETS.containsKey(key)) {
                return;
            }
            SETS.put(key, m);
            values += m.data().length;
            for (Iterator<Matrix> it = SETS.values().iterator(); values > maxValues && it.hasNext(); ) {
                values -= it.next().data().length;
                it.remove();
            }
        }
    }

    /** Whether the set this stream draws is kept (tests). */
    static boolean holds(Toy toy, int n, Random sameStream) {
        synchronized (SETS) {
            return SETS.containsKey(new Key(toy, n, sameStream.nextLong()));
        }
    }

    /** The floats kept (tests). */
    static long keptValues() {
        synchronized (SETS) {
            return values;
        }
    }

    /** Forgets every set (tests). */
    static void clear() {
        synchronized (SETS) {
            SETS.clear();
            values = 0;
        }
    }
}
