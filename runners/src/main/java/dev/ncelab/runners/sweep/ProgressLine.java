package dev.ncelab.runners.sweep;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The sweep's console output: one line per finished point, and at a terminal one overall progress bar (the
 * progressbar library the {@code run} command uses: bar, counts, elapsed and estimated time left, plus how many
 * points run and how many did not finish) redrawn in place below them.
 */
final class ProgressLine {
    private final PrintStream out;
    private final boolean interactive;
    private final String metric;
    private final int total;
    /** Guards only the printing, never held while calling into the bar (whose own thread prints too). */
    private final Object print = new Object();
    private ProgressBar bar;
    private boolean drawn;
    private int done;
    private int bad;
    private int running;

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
        synchronized (print) {
            clear();
            out.println(sb);
            out.flush();
        }
        update();
    }

    synchronized void tick(int runningNow) {
        if (runningNow != running) {
            running = runningNow;
            update();
        }
    }

    synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        synchronized (print) {
            clear();
            out.flush();
        }
    }

    /** Moves the bar to the current counts (starting it on first use) and redraws it. */
    private void update() {
        if (!interactive) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName("sweep").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" points", 1).setUpdateIntervalMillis(500).continuousUpdate().setMaxRenderedLength(110)
                    .setConsumer(new Consumer()).build();
        }
        bar.stepTo(done);
        bar.setExtraMessage(" " + running + " running" + (bad > 0 ? ", " + bad + " not finished" : ""));
        bar.refresh();
    }

    private void clear() {
        if (interactive && drawn) {
            out.print("\r\033[K");
            drawn = false;
        }
    }

    /** Draws the bar's text in place on {@link #out}, under the printing lock. */
    private final class Consumer implements ProgressBarConsumer {
        @Override
        public int getMaxRenderedLength() {
            return 110;
        }

        @Override
        public void accept(String rendered) {
            synchronized (print) {
                out.print("\r" + rendered + "\033[K");
                out.flush();
                drawn = true;
            }
        }

        @Override
        public void close() {
            // the line is cleared by ProgressLine.close
        }
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
