package dev.ncelab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The binder's additive types: Number, Object, and an optional nested record. */
class ConfigBinderValuesTest {
    record Inner(@Param(doc = "a name") String name) {}

    record Probe(
            @Param(doc = "any number", value = "null") Number n,
            @Param(doc = "any value", value = "null") Object any,
            @Param(doc = "numbers", value = "null") List<Number> ns,
            @Param(doc = "an optional section", value = "null") Inner inner) {}

    @Test
    void numbersKeepWhetherTheyAreWhole() {
        ConfigDocument doc = ConfigDocument.parse("n: 3\nns: [1, 2.5, 1.0e-4]\n", "p.yaml");
        ConfigBinder b = new ConfigBinder(doc);
        Probe p = b.bind(Probe.class, doc.root(), "", Set.of());
        assertTrue(b.errors().isEmpty(), b.errors().toString());
        assertEquals(3L, p.n());
        assertEquals(List.of(1L, 2.5, 1.0e-4), p.ns());
        assertNull(p.inner(), "an absent optional section is null, not a section of defaults");
    }

    @Test
    void anyValueIsPlainJava() {
        ConfigDocument doc = ConfigDocument.parse("any: {a: [1, 2.0, true, x, null]}\ninner: {name: q}\n", "p.yaml");
        ConfigBinder b = new ConfigBinder(doc);
        Probe p = b.bind(Probe.class, doc.root(), "", Set.of());
        assertTrue(b.errors().isEmpty(), b.errors().toString());
        assertEquals(Map.of("a", java.util.Arrays.asList(1L, 2.0, true, "x", null)), p.any());
        assertEquals("q", p.inner().name());
    }

    @Test
    void aBadNumberIsNamedWithItsLine() {
        ConfigDocument doc = ConfigDocument.parse("any: 1\nn: abc\nns: [1, .inf]\n", "p.yaml");
        ConfigBinder b = new ConfigBinder(doc);
        assertNull(b.bind(Probe.class, doc.root(), "", Set.of()));
        assertEquals(List.of("p.yaml:2 n: expected a finite number, found 'abc'",
                "p.yaml:3 ns[1]: expected a finite number, found '.inf'"),
                b.errors().stream().map(e -> e.location() + " " + e.key() + ": " + e.message()).toList());
    }
}
