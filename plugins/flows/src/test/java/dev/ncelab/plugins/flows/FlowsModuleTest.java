package dev.ncelab.plugins.flows;

import dev.ncelab.core.plugin.Plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.ncelab.core.config.ConfigBinder;
import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.config.ConfigError;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.PluginRegistry;
import dev.ncelab.core.plugin.Plugins;
import dev.ncelab.core.testing.Contracts;
import dev.ncelab.core.testing.TestContext;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Discovery through META-INF/services, config defaults and failure paths. */
class FlowsModuleTest {
    @Test
    void theServiceFileInstallsBothFlows() {
        PluginRegistry registry = Plugins.registry(getClass().getClassLoader());
        assertInstanceOf(MafPlugin.class, registry.find(PluginKind.NOISE, "maf"));
        assertInstanceOf(GlowPlugin.class, registry.find(PluginKind.NOISE, "glow"));
    }

    @Test
    void defaultsAreTheReferenceSettings() {
        ConfigBinder binder = new ConfigBinder(ConfigDocument.parse("{}", "test"));
        assertEquals(FlowFixtures.MAF, binder.bind(MafConfig.class, null, "noise", Set.of("type")));
        assertEquals(FlowFixtures.GLOW, binder.bind(GlowConfig.class, null, "noise", Set.of("type")));
        assertTrue(binder.errors().isEmpty(), binder.errors().toString());
    }

    @Test
    void invalidValuesNameTheirKey() {
        ConfigDocument doc = ConfigDocument.parse("type: maf\nhidden: 0\n", "exp.yaml");
        ConfigBinder binder = new ConfigBinder(doc);
        assertNull(binder.bind(MafConfig.class, doc.root(), "noise", Set.of("type")));
        List<ConfigError> errors = binder.errors();
        assertEquals(1, errors.size());
        assertEquals("noise.hidden", errors.get(0).key());
        assertTrue(errors.get(0).location().contains("exp.yaml:2"), errors.get(0).toString());

        doc = ConfigDocument.parse("levels: 0\npretrain_steps: -1\n", "exp.yaml");
        binder = new ConfigBinder(doc);
        assertNull(binder.bind(GlowConfig.class, doc.root(), "noise", Set.of()));
        assertEquals("noise.levels", binder.errors().get(0).key());
    }

    @Test
    void bothFlowsMeetCoresNoiseContract() {
        Matrix data = FlowFixtures.eightGaussians(5000, new java.util.Random(2));
        for (String name : List.of("maf", "glow")) {
            Plugin<?, ?> plugin = name.equals("maf") ? new MafPlugin() : new GlowPlugin();
            // 0.01: an untrained flow's mass on [-12, 12]^2 at 600^2 midpoints (FlowContractTest measures 0.999+)
            Contracts.noise(name, plugin, Contracts.bind(plugin, "type: " + name), data, 0.01);
        }
    }

    @Test
    void oneDimensionalDataIsRefused() {
        try (NDManager root = NDManager.newBaseManager()) {
            Matrix oneD = new Matrix(new float[] {1, 2, 3}, 3, 1);
            TestContext ctx = new TestContext(1, oneD, root);
            assertThrows(IllegalArgumentException.class, () -> new MafPlugin().create(FlowFixtures.MAF, ctx));
            assertThrows(IllegalArgumentException.class, () -> new GlowPlugin().create(FlowFixtures.GLOW, ctx));
        }
    }

    @Test
    void glowWithoutDataKeepsIdentityActNorms() {
        try (NDManager root = NDManager.newBaseManager()) {
            Glow glow = (Glow) new GlowPlugin().create(FlowFixtures.GLOW, new TestContext(1, null, 2, root));
            assertEquals(46_840, glow.parameters().count());
            float[] scale = glow.parameters().snapshot().get("extra.step5.coupling.actnorm2.scale");
            assertEquals(1f, scale[0]);
        }
    }
}
