package dev.ncelab.runners.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.config.ConfigBinder;
import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.config.Param;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The {@code key=value} forms a sweep passes, and those the W&B agent passes with {@code ${args_no_hyphens}}
 * (Python's str() of each value), bind through {@link ConfigDocument#override} and {@link ConfigBinder}.
 */
class OverrideFormsTest {
    record Probe(
            @Param(doc = "a number", value = "null") Double lr,
            @Param(doc = "a whole number", value = "null") Integer batch,
            @Param(doc = "a flag", value = "null") Boolean plots,
            @Param(doc = "a list", value = "null") List<Integer> hidden,
            @Param(doc = "a list of numbers", value = "null") List<Double> betas,
            @Param(doc = "text", value = "null") String name) {}

    static Probe bind(String... overrides) {
        ConfigDocument doc = ConfigDocument.parse("{}", "probe");
        for (String o : overrides) {
            doc.override(o);
        }
        ConfigBinder binder = new ConfigBinder(doc);
        Probe p = binder.bind(Probe.class, ConfigDocument.get(doc.root(), "p").orElseThrow(), "p", Set.of());
        assertTrue(binder.errors().isEmpty(), binder.errors().toString());
        return p;
    }

    @Test
    void theWandbAgentsFormsBind() {
        Probe p = bind("p.lr=0.001", "p.batch=200", "p.plots=True", "p.hidden=[64, 64]", "p.betas=[0.9, 0.999]",
                "p.name=leaky-relu");
        assertEquals(new Probe(0.001, 200, true, List.of(64, 64), List.of(0.9, 0.999), "leaky-relu"), p);
        assertEquals(1e-05, bind("p.lr=1e-05").lr(), "Python's repr of a small float");
        assertEquals(3_000_000, bind("p.batch=3000000.0").batch(), "a whole float where an int is expected");
        assertEquals(false, bind("p.plots=False").plots());
        assertEquals(List.of(64, 64), bind("p.hidden=[64,64]").hidden());
        assertEquals(0.5, bind("--p.lr=0.5").lr(), "${args} adds --");
        assertEquals("my run", bind("p.name=my run").name());
        assertEquals(new Probe(null, null, null, null, null, null),
                bind("p.lr=0.1", "p.lr=None", "p.batch=None", "p.plots=None", "p.hidden=None", "p.name=None"),
                "Python's None is null");
        assertEquals("None", bind("p.name='None'").name(), "a quoted None stays text");
    }

    @Test
    void pythonsNonFiniteFloatsAreNamedAsSuch() {
        assertTrue(bindErrors("p.lr=inf").contains("expected a finite number"), bindErrors("p.lr=inf"));
        assertTrue(bindErrors("p.lr=nan").contains("expected a finite number"), bindErrors("p.lr=nan"));
    }

    @Test
    void aPythonDictReplacesASection() {
        ConfigDocument doc = ConfigDocument.parse("objective: {type: nce, nu: 1}", "probe");
        doc.override("objective={'type': 'ranking-nce', 'nu': None, 'k': [1, True]}");
        Object value = YamlValues.of(ConfigDocument.get(doc.root(), "objective").orElseThrow());
        Map<String, Object> expected = new java.util.LinkedHashMap<>();
        expected.put("type", "ranking-nce");
        expected.put("nu", null);
        expected.put("k", List.of(1L, true));
        assertEquals(expected, value);
    }

    static String bindErrors(String... overrides) {
        ConfigDocument doc = ConfigDocument.parse("{}", "probe");
        for (String o : overrides) {
            doc.override(o);
        }
        ConfigBinder binder = new ConfigBinder(doc);
        binder.bind(Probe.class, ConfigDocument.get(doc.root(), "p").orElseThrow(), "p", Set.of());
        return binder.errors().toString();
    }

    @Test
    void theSweepsOwnFormsRoundTrip() {
        for (double v : new double[] {1.0e-4, 5.623413251903491E-4, 0.5, 3.0, 1e20, -2.5e-8, 0.1 + 0.2}) {
            String text = YamlValues.text(v);
            assertEquals(v, bind("p.lr=" + text).lr(), text);
        }
        assertEquals(List.of(64, 128), bind("p.hidden=" + YamlValues.text(List.of(64L, 128L))).hidden());
        assertEquals(true, bind("p.plots=" + YamlValues.text(true)).plots());
        for (String s : List.of("relu", "true", "a b", "8gaussians", "x: y", "[1]", "it's", "1e-3", "null", "")) {
            assertEquals(s, bind("p.name=" + YamlValues.text(s)).name(), "string " + s);
        }
        SweepPoint point = new SweepPoint(0, Map.of("p.hidden", List.of(32L, 32L)));
        assertEquals(List.of("p.hidden=[32,32]"), point.overrides());
        assertEquals(List.of(32, 32), bind(point.overrides().toArray(String[]::new)).hidden());
    }

    @Test
    void aMappingValueReplacesASection() {
        ConfigDocument doc = ConfigDocument.parse("objective: {type: nce, nu: 1}", "probe");
        doc.override("objective=" + YamlValues.text(Map.of("type", "ranking-nce")));
        Object value = YamlValues.of(ConfigDocument.get(doc.root(), "objective").orElseThrow());
        assertEquals(Map.of("type", "ranking-nce"), value);
    }
}
