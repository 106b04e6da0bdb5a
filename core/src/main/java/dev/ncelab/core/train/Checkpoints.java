package dev.ncelab.core.train;

/**
 * Writes the checkpoint every {@code training.checkpoint_every} steps (0: at each epoch's end) and at the last
 * step, never while steps are being skipped as non-finite (the last good checkpoint is kept).
 */
public final class Checkpoints implements TrainingListener {
    private final int every;

    /** @param every steps between checkpoints; 0 for each epoch's end */
    public Checkpoints(int every) {
        this.every = every;
    }

    @Override
    public void onStep(Training t, StepEvent e) {
        boolean due = every > 0 ? e.step() % every == 0 : e.epochEnd();
        if ((due || e.last()) && t.state().consecutiveNonfinite == 0) {
            Checkpoint.save(t.directory().checkpoint(), t);
        }
    }
}
