package dev.ncelab.runners.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Shards partition the points exactly: their union is every point and no two share one. */
class ShardTest {
    static List<SweepPoint> points(int n) {
        List<SweepPoint> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new SweepPoint(i, Map.of("a", (long) i)));
        }
        return out;
    }

    @Test
    void shardsPartitionThePoints() {
        for (int size : new int[] {0, 1, 7, 13, 16}) {
            List<SweepPoint> all = points(size);
            for (int n = 1; n <= 6; n++) {
                Set<Integer> union = new HashSet<>();
                int total = 0;
                for (int i = 0; i < n; i++) {
                    List<SweepPoint> mine = Shard.parse(i + "/" + n).select(all);
                    total += mine.size();
                    for (SweepPoint p : mine) {
                        assertEquals(i, p.index() % n);
                        assertTrue(union.add(p.index()), "point " + p.index() + " is in two shards of " + n);
                    }
                    assertTrue(mine.size() >= size / n && mine.size() <= size / n + 1, "balanced");
                }
                assertEquals(size, total);
                assertEquals(size, union.size());
            }
        }
    }

    @Test
    void shardSyntaxIsChecked() {
        assertEquals(new Shard(3, 4), Shard.parse(" 3/4 "));
        assertEquals("jobs-1-of-4.csv", Shard.parse("1/4").jobsFile());
        assertEquals("jobs.csv", Shard.parse("0/1").jobsFile());
        for (String bad : List.of("4/4", "-1/4", "1/0", "a/b", "1", "1/2/3", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shard.parse(bad), bad);
            assertTrue(e.getMessage().contains("--shard i/n"), e.getMessage());
        }
    }
}
