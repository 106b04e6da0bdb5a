package dev.ncelab.plugins.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.config.ConfigBinder;
import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.config.ConfigWriter;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.PluginModule;
import dev.ncelab.core.plugin.Plugins;
import dev.ncelab.core.run.RunLogger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.nodes.Node;

/** Registration by ServiceLoader, the YAML section, and when the plugin makes a logger at all. */
class PluginTest {
    @TempDir
    Path home;

    @Test
    void theModuleIsFoundOnTheClassPathAndRegistersWandb() {
        List<PluginModule> modules = Plugins.discover(getClass().getClassLoader());
        assertTrue(modules.stream().anyMatch(m -> m instanceof WandbModule));
        Plugin<?, ?> p = Plugins.registry(List.of(new WandbModule())).find(PluginKind.LOGGER, "wandb");
        assertInstanceOf(WandbPlugin.class, p);
        assertEquals(WandbConfig.class, p.configType());
    }

    private static WandbConfig bind(String yaml, ConfigBinder[] binderOut) {
        ConfigDocument doc = ConfigDocument.parse(yaml, "test.yaml");
        Node node = ConfigDocument.get(doc.root(), "wandb").orElse(null);
        ConfigBinder binder = new ConfigBinder(doc);
        binderOut[0] = binder;
        return binder.bind(WandbConfig.class, node, "logging.wandb", Set.of());
    }

    @Test
    void theSectionBindsWithDefaultsAndTheKeyIsNeverWrittenBack() {
        ConfigBinder[] b = new ConfigBinder[1];
        WandbConfig c = bind("wandb: {enabled: true, project: p, tags: [x, y], mode: offline, api_key: "
                + Fixtures.KEY + "}", b);
        assertTrue(b[0].errors().isEmpty(), b[0].errors().toString());
        assertTrue(c.enabled());
        assertEquals("p", c.project());
        assertEquals(List.of("x", "y"), c.tags());
        assertEquals(WandbConfig.Mode.OFFLINE, c.mode());
        assertNull(c.baseUrl());
        assertEquals(5.0, c.flushEvery());
        assertEquals(30.0, c.finishTimeout());
        Map<String, Object> written = ConfigWriter.toMap(c);
        assertFalse(written.containsKey("api_key"));
        assertFalse(ConfigWriter.yaml(written).contains(Fixtures.KEY));
        WandbConfig defaults = bind("other: 1", b);
        assertFalse(defaults.enabled());
        assertNull(defaults.mode());
    }

    @Test
    void badValuesAreConfigErrorsNamingTheirKey() {
        ConfigBinder[] b = new ConfigBinder[1];
        bind("wandb: {project: 'a/b'}", b);
        assertEquals(1, b[0].errors().size());
        assertTrue(b[0].errors().get(0).toString().contains("logging.wandb.project"), b[0].errors().toString());
        bind("wandb: {base_url: 'ftp://x'}", b);
        assertTrue(b[0].errors().get(0).toString().contains("logging.wandb.base_url"), b[0].errors().toString());
        bind("wandb: {mode: onlin}", b);
        assertTrue(b[0].errors().get(0).toString().contains("online"), b[0].errors().toString());
    }

    @Test
    void createReturnsNoneUnlessSwitchedOn() {
        WandbConfig off = new WandbConfig(false, null, null, null, null, null, null, null, null, null, 5.0, 30.0);
        assertSame(RunLogger.NONE, new WandbPlugin(Map.of(), home, Tuning.defaults()).create(off, null));
        assertInstanceOf(WandbLogger.class, new WandbPlugin(Map.of("WANDB_MODE", "offline", "WANDB_PROJECT", "p"),
                home, Tuning.defaults()).create(off, null));
        WandbConfig on = new WandbConfig(true, "p", null, null, null, null, null, null, null, "k", 5.0, 30.0);
        assertSame(RunLogger.NONE, new WandbPlugin(Map.of("WANDB_MODE", "disabled"), home, Tuning.defaults())
                .create(on, null));
        assertInstanceOf(WandbLogger.class, new WandbPlugin(Map.of(), home, Tuning.defaults()).create(on, null));
    }
}
