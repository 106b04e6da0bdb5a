package dev.ncelab.plugins.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.data.Dataset;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.PluginRegistry;
import dev.ncelab.core.plugin.Plugins;
import dev.ncelab.core.testing.TestContext;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The module as the application sees it: found by ServiceLoader, registering all seven names; and a contract
 * that every registered 2-D generator (a new one cannot skip it) is seeded and gives 2 columns.
 */
class DatasetsModuleTest {
    private static PluginRegistry registry() {
        return Plugins.registry(Plugins.discover(DatasetsModuleTest.class.getClassLoader()));
    }

    @Test
    void serviceLoaderFindsTheModuleAndItsSevenPlugins() {
        assertTrue(Plugins.discover(getClass().getClassLoader()).stream().anyMatch(m -> m instanceof DatasetsModule));
        Map<String, Plugin<?, ?>> datasets = registry().of(PluginKind.DATASET);
        assertEquals(Set.of("8gaussians", "spiral", "2spirals", "checkerboard", "rings", "pinwheel", "csv"),
                datasets.keySet());
        for (Plugin<?, ?> p : datasets.values()) {
            assertFalse(p.doc().isBlank());
        }
    }

    @Test
    void everyToyPluginIsTwoDimensionalAndSeeded() {
        for (Map.Entry<String, Plugin<?, ?>> e : registry().of(PluginKind.DATASET).entrySet()) {
            if (e.getKey().equals("csv")) {
                continue;
            }
            Plugin<?, ?> p = e.getValue();
            Record config = Fixtures.bind(p.configType(), "samples: 300\nheld_out: 200");
            Dataset a = (Dataset) p.createUnchecked(config, new TestContext(9, null, null));
            Dataset b = (Dataset) p.createUnchecked(config, new TestContext(9, null, null));
            assertEquals(2, a.dimension(), e.getKey());
            assertEquals(300, a.train().rows(), e.getKey());
            assertEquals(200, a.heldOut().rows(), e.getKey());
            assertArrayEquals(a.train().data(), b.train().data(), e.getKey());
            assertEquals(((ToyPlugins.Base) p).toy().key(), e.getKey());
        }
    }
}
