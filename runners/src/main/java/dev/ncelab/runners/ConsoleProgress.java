package dev.ncelab.runners;

import dev.ncelab.core.train.StepEvent;
import dev.ncelab.core.train.listen.Progress;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A console progress bar with the objective's live metrics (e.g. nce_loss and accuracy), updated at most twice a second. */
final class ConsoleProgress implements Progress {
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
    public void step(StepEvent e) {
        long now = System.nanoTime();
        if (now - lastUpdate > 200_000_000L && !e.metrics().isEmpty()) {
            lastUpdate = now;
            bar.stepTo(e.step());
            StringBuilder sb = new StringBuilder();
            e.metrics().forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.3f", k, v)));
            bar.setExtraMessage(sb.toString());
        }
    }

    @Override
    public void done() {
        if (bar != null) {
            bar.close();
        }
    }
}
