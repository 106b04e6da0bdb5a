package dev.ncelab.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.plugin.PluginKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an experiment needs depends on what its components ask for. */
class ExperimentTest {
    static final String NO_NOISE = Toy.BASE.replace("noise: {type: unit}\n", "");

    @Test
    void noNoiseSectionIsFineForAnObjectiveThatUsesNone(@TempDir Path tmp) throws Exception {
        try (Experiment exp = Toy.buildYaml(NO_NOISE, "objective.uses_noise=false")) {
            assertTrue(exp.noise().isEmpty());
            assertEquals(List.of(PluginKind.DATASET, PluginKind.ENERGY, PluginKind.OBJECTIVE, PluginKind.SCHEDULE),
                    List.copyOf(exp.components().keySet()), "built in dependency order");
            Recorder r = new Recorder("r", new java.util.ArrayList<>());
            new Trainer(exp, Toy.directory(tmp), List.of(new dev.ncelab.core.train.listen.Evaluation(exp), r))
                    .run(false);
            assertEquals(6, r.events.size(), "it trains");
        }
    }

    @Test
    void theNoiseSectionIsRequiredWhenTheObjectiveUsesNoise() {
        ConfigException e = assertThrows(ConfigException.class, () -> Toy.buildYaml(NO_NOISE));
        assertTrue(e.getMessage().contains("noise: objective 'toy' needs a noise (a noise density or trainable flow, "
                + "for objectives that contrast with one): add noise: {type: ...} with one of: unit"), e.getMessage());
    }

    @Test
    void aScheduleThatTrainsAFixedNoiseIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> Toy.build("schedule.pattern=[energy, noise]"));
        assertTrue(e.getMessage().contains("schedule.type: schedule 'cycle' trains the noise model, but noise.type "
                + "'unit' is fixed"), e.getMessage());
    }

    @Test
    void aNoiseOfAnotherDimensionIsRefusedWithTheFix() {
        ConfigException e = assertThrows(ConfigException.class, () -> Toy.build("noise.dim=3"));
        assertTrue(e.getMessage().contains("the noise model has dimension 3 but the data set 'toy' has 2: give the "
                + "noise 2 coordinates"), e.getMessage());
    }
}
