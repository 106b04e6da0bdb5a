package dev.ncelab.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.experiment.ExperimentConfig;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.PluginRegistry;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A plugin kind declared by a module outside core ({@link Toy#WIDGET}, making {@link Toy.Widget}): registered,
 * bound from its YAML section and built on demand, with no edit in core's registry, loader or config classes.
 */
class OpenKindTest {
    static final String WITH_WIDGET = Toy.BASE.replace("objective: {type: toy}",
            "objective: {type: toy, widget: true}\nwidget: {type: gear, teeth: 5}");

    @Test
    void theRegistryListsTheNewKindAfterCoresWithItsPlugin() {
        PluginRegistry r = Toy.registry();
        assertEquals(PluginKind.CORE, r.kinds().subList(0, PluginKind.CORE.size()));
        assertEquals(List.of(Toy.WIDGET), r.kinds().subList(PluginKind.CORE.size(), r.kinds().size()));
        assertSame(Toy.WIDGET, r.kind("widget"));
        assertEquals(Set.of("gear"), r.of(Toy.WIDGET).keySet());
    }

    @Test
    void itsSectionIsBoundToThePluginsRecord() {
        ExperimentConfig c = Toy.config(WITH_WIDGET);
        assertEquals("gear", c.section("widget").type());
        assertEquals(new Toy.GearConfig(5), c.section("widget").config());
        assertEquals(new Toy.GearConfig(3), Toy.config(WITH_WIDGET.replace(", teeth: 5", "")).section("widget")
                .config(), "the default from @Param");
        assertTrue(c.toYaml().contains("widget:"), "the resolved config.yaml keeps the section");
    }

    @Test
    void aComponentAsksForItAndItIsBuiltOnceOnDemand() {
        int before = Toy.GearPlugin.built;
        try (Experiment exp = Toy.buildYaml(WITH_WIDGET)) {
            Toy.Widget w = ((Toy.ToyObjective) exp.objective()).widget;
            assertEquals(5, w.teeth());
            assertSame(w, exp.component(Toy.WIDGET, Toy.Widget.class).orElseThrow());
            assertEquals(before + 1, Toy.GearPlugin.built, "built once, though the objective and the build loop ask");
        }
    }

    @Test
    void aMissingRequiredSectionNamesTheSectionToAdd() {
        ConfigException e = assertThrows(ConfigException.class, () -> Toy.build("objective.widget=true"));
        assertTrue(e.getMessage().contains("widget: objective 'toy' needs a widget (a test component core does not "
                + "know): add widget: {type: ...} with one of: gear"), e.getMessage());
    }

    @Test
    void errorsInTheSectionNameTheKindsAndTheKeys() {
        ConfigException unknown = assertThrows(ConfigException.class, () -> Toy.config(WITH_WIDGET
                .replace("widget: {type: gear", "widgit: {type: gear")));
        assertTrue(unknown.getMessage().contains("widgit: unknown key (did you mean 'widget'?); the top-level keys "
                + "are: name, seed, dataset, energy, noise, sampler, objective, schedule, widget, training, logging, "
                + "output, plugins"), unknown.getMessage());
        ConfigException type = assertThrows(ConfigException.class, () -> Toy.config(WITH_WIDGET.replace("gear,",
                "cog,")));
        assertTrue(type.getMessage().contains("widget.type: unknown widget plugin 'cog'"), type.getMessage());
        assertTrue(type.getMessage().contains("registered: gear"), type.getMessage());
        ConfigException key = assertThrows(ConfigException.class, () -> Toy.config(WITH_WIDGET.replace("teeth:",
                "teth:")));
        assertTrue(key.getMessage().contains("widget.teth: unknown key (did you mean 'teeth'?)"), key.getMessage());
        assertTrue(key.getMessage().contains("toy.yaml:"), "the file and line: " + key.getMessage());
    }
}
