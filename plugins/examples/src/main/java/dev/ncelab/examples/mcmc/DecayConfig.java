package dev.ncelab.examples.mcmc;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;

/** {@code schedule: {type: threshold-decay}}. */
public record DecayConfig(
        @Param(doc = "FCE's accuracy threshold at step 0", value = "0.9") double start,
        @Param(doc = "the threshold from step `steps` on", value = "0.6") double end,
        @Param(doc = "steps over which the threshold moves linearly from start to end", value = "1000") long steps) {
    public DecayConfig {
        Checks.inRange("start", start, 0, 1);
        Checks.inRange("end", end, 0, 1);
        Checks.inRange("steps", steps, 0, Long.MAX_VALUE);
    }
}
