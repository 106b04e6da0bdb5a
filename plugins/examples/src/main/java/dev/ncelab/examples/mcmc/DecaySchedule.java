package dev.ncelab.examples.mcmc;

import dev.ncelab.core.objective.Player;
import dev.ncelab.core.schedule.Schedule;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * FCE's rule with a threshold that moves linearly with the step number, from {@code start} to {@code end} over
 * {@code steps} steps: the flow learns next while the accuracy is above the current threshold, else the EBM.
 * It counts the flow's turns (a state that checkpoints carry).
 */
final class DecaySchedule implements Schedule {
    private final DecayConfig config;
    private long flowTurns;

    DecaySchedule(DecayConfig config) {
        this.config = config;
    }

    double threshold(long step) {
        double f = config.steps() == 0 ? 1 : Math.min(1.0, (double) step / config.steps());
        return config.start() + (config.end() - config.start()) * f;
    }

    @Override
    public Set<String> needs() {
        return Set.of(Player.ENERGY, Player.NOISE);
    }

    @Override
    public String first(List<String> players) {
        return Player.ENERGY;
    }

    @Override
    public String next(Previous p) {
        if (p.metric("accuracy") > threshold(p.step())) {
            flowTurns++;
            return Player.NOISE;
        }
        return Player.ENERGY;
    }

    long flowTurns() {
        return flowTurns;
    }

    @Override
    public void save(DataOutputStream out) throws IOException {
        out.writeLong(flowTurns);
    }

    @Override
    public void load(DataInputStream in) throws IOException {
        flowTurns = in.readLong();
    }
}
