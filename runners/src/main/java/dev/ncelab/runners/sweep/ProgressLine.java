package dev.ncelab.runners.sweep;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The sweep's console output: one line per finished point, and at a terminal one overall progress line
 * (bar, counts, elapsed and estimated time left) redrawn in place below them.
 */
final class ProgressLine {
    private static final int BAR = 24;

    private final PrintStream out;
    private final boolean interactive;
    private final String metric;
    private final int total;
    private final long start = System.nanoTime();
    private int done;
    private int bad;
    private int running;
    private long lastDraw;
    private boolean drawn;

    /**
     * @param total the points this invocation runs
     * @param interactive redraw a status line in place (a terminal), else print only the finished lines
     */
    ProgressLine(PrintStream out, boolean interactive, String metric, int total) {
        this.out = out;
        this.interactive = interactive;
        this.metric = metric;
        this.total = total;
    }

    static boolean terminal() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.equals("dumb");
    }

    synchronized void finished(JobResult r, double wallSeconds, int runningNow) {
        done++;
        if (!r.finished()) {
            bad++;
        }
        running = runningNow;
        StringBuilder sb = new StringBuilder();
        int width = Integer.toString(total).length();
        sb.append(String.format(Locale.ROOT, "[%" + width + "d/%d] #%-3d %-11s", done, total, r.point().index(),
                r.status()));
        if (r.finished() && metric != null) {
            sb.append(' ').append(metric).append(' ').append(YamlValues.compact(r.figure(metric)));
        }
        sb.append("  ").append(r.point().label());
        if (wallSeconds > 0) {
            sb.append(String.format(Locale.ROOT, "  (%s)", duration(wallSeconds)));
        }
        if (!r.finished() && r.message() != null && !r.message().isBlank()) {
            sb.append("\n      ").append(r.message()).append("  [log: ").append(JobResult.runDir(r.point()))
                    .append(".log]");
        }
        clear();
        out.println(sb);
        draw(true);
    }

    synchronized void tick(int runningNow) {
        running = runningNow;
        draw(false);
    }

    synchronized void close() {
        clear();
        out.flush();
    }

    private void clear() {
        if (interactive && drawn) {
            out.print("\r\033[K");
            drawn = false;
        }
    }

    private void draw(boolean force) {
        if (!interactive) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastDraw < 500_000_000L) {
            return;
        }
        lastDraw = now;
        int filled = total == 0 ? BAR : (int) Math.round(BAR * (double) done / total);
        double elapsed = (now - start) / 1e9;
        String eta = done == 0 || done >= total ? "" : ", ~" + duration(elapsed / done * (total - done)) + " left";
        out.print("\r" + "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + done + "/" + total + " done"
                + (bad > 0 ? " (" + bad + " not finished)" : "") + ", " + running + " running, "
                + duration(elapsed) + eta + "\033[K");
        out.flush();
        drawn = true;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
