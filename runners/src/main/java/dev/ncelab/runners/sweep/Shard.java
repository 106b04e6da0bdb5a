package dev.ncelab.runners.sweep;

import java.util.List;

/** A slice {@code i/n} of a sweep: the points whose index mod n is i (one task of a cluster job array). */
record Shard(int i, int n) {
    static final Shard ALL = new Shard(0, 1);

    Shard {
        if (n < 1 || i < 0 || i >= n) {
            throw new IllegalArgumentException("expected --shard i/n with 0 <= i < n, found " + i + "/" + n);
        }
    }

    /** Parses {@code i/n}. */
    static Shard parse(String text) {
        String[] parts = text.trim().split("/");
        try {
            if (parts.length == 2) {
                return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("expected --shard i/n with 0 <= i < n (e.g. 0/4), found '" + text + "'");
    }

    boolean contains(SweepPoint p) {
        return p.index() % n == i;
    }

    List<SweepPoint> select(List<SweepPoint> points) {
        return points.stream().filter(this::contains).toList();
    }

    boolean all() {
        return n == 1;
    }

    /** The jobs file this shard writes: {@code jobs.csv}, or {@code jobs-<i>-of-<n>.csv}. */
    String jobsFile() {
        return all() ? "jobs.csv" : "jobs-" + i + "-of-" + n + ".csv";
    }

    @Override
    public String toString() {
        return i + "/" + n;
    }
}
