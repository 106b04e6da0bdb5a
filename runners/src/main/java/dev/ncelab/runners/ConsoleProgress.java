package dev.ncelab.runners;

import dev.ncelab.core.train.TrainingLoop;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A console progress bar with the live value (-V) and accuracy, updated at most twice a second. */
final class ConsoleProgress implements TrainingLoop.Progress {
    private final String name;
    private ProgressBar bar;
    private long lastUpdate;

    ConsoleProgress(String name) {
        this.name = name;
    }

    @Override
    public void start(long totalSteps, long firstStep) {
        bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(totalSteps).startsFrom(firstStep,
                java.time.Duration.ZERO).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                .setMaxRenderedLength(110).setUnit(" steps", 1).build();
    }

    @Override
    public void step(long step, double value, double accuracy, String trained) {
        long now = System.nanoTime();
        if (now - lastUpdate > 200_000_000L) {
            lastUpdate = now;
            bar.stepTo(step);
            bar.setExtraMessage(Double.isNaN(accuracy)
                    ? String.format(Locale.ROOT, " nll %.3f", value)
                    : String.format(Locale.ROOT, " -V %.3f acc %.3f", value, accuracy));
        }
    }

    @Override
    public void done() {
        if (bar != null) {
            bar.close();
        }
    }
}
