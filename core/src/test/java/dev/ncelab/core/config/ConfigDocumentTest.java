package dev.ncelab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDocumentTest {
    record Lr(@Param(doc = "e", value = "0.001") double energy) {}

    record Sample(
            @Param(doc = "n", value = "10") int count,
            @Param(doc = "w", value = "[1, 2]") List<Integer> widths,
            @Param(doc = "lr") Lr lr,
            @Param(doc = "flag", value = "false") boolean flag,
            @Param(doc = "mode", value = "leaky-relu") Mode mode) {
        Sample {
            Checks.positive("count", count);
        }
    }

    enum Mode { LEAKY_RELU, TANH }

    private static ConfigException bindError(String yaml) {
        ConfigDocument doc = ConfigDocument.parse(yaml, "x.yaml");
        ConfigBinder b = new ConfigBinder(doc);
        b.bind(Sample.class, doc.root(), "", Set.of());
        return assertThrows(ConfigException.class, b::throwIfErrors);
    }

    @Test
    void bindsDefaultsAndValues() {
        ConfigDocument doc = ConfigDocument.parse("count: 3\nlr: {energy: 1e-2}\nmode: tanh\n", "x.yaml");
        ConfigBinder b = new ConfigBinder(doc);
        Sample s = b.bind(Sample.class, doc.root(), "", Set.of());
        b.throwIfErrors();
        assertEquals(3, s.count());
        assertEquals(List.of(1, 2), s.widths());
        assertEquals(0.01, s.lr().energy(), 1e-12); // parsed from "1e-2": double rounding only
        assertEquals(Mode.TANH, s.mode());
    }

    @Test
    void collectsEveryErrorWithLineAndKey() {
        ConfigException e = bindError("count: -1\nwidths: [1, x]\nlr: {energi: 1}\nflag: maybe\nmode: tanhh\nextra: 1\n");
        String m = e.getMessage();
        assertTrue(m.contains("x.yaml:2 widths[1]: expected a whole number, found 'x'"), m);
        assertTrue(m.contains("x.yaml:3 lr.energi: unknown key (did you mean 'energy'?)"), m);
        assertTrue(m.contains("x.yaml:4 flag: expected true or false"), m);
        assertTrue(m.contains("x.yaml:5 mode: expected one of leaky-relu, tanh, found 'tanhh' (did you mean 'tanh'?)"), m);
        assertTrue(m.contains("x.yaml:6 extra: unknown key"), m);
        assertEquals(5, e.errors().size(), m);
    }

    @Test
    void rangeCheckNamesTheKey() {
        ConfigException e = bindError("count: 0\nlr: {}\n");
        assertEquals("count", e.errors().get(0).key());
        assertTrue(e.getMessage().contains("x.yaml:1 count: expected a number > 0, found 0"), e.getMessage());
    }

    @Test
    void overridesReplaceAndCreateKeysAndRememberTheirOrigin() {
        ConfigDocument doc = ConfigDocument.parse("count: 3\n", "x.yaml");
        doc.override("lr.energy=0.5");
        doc.override("widths=[4,5,6]");
        doc.override("count=abc");
        ConfigBinder b = new ConfigBinder(doc);
        b.bind(Sample.class, doc.root(), "", Set.of());
        assertEquals(1, b.errors().size());
        assertEquals("override 'count=abc'", b.errors().get(0).location());
        doc.override("count=7");
        Sample s = new ConfigBinder(doc).bind(Sample.class, doc.root(), "", Set.of());
        assertEquals(List.of(4, 5, 6), s.widths());
        assertEquals(0.5, s.lr().energy());
        assertEquals(7, s.count());
        assertThrows(ConfigException.class, () -> doc.override("novalue"));
        assertThrows(ConfigException.class, () -> doc.override("a..b=1"));
    }

    @Test
    void hugeNumbersAreRejected() {
        ConfigException e = bindError("count: 1e999\nlr: {energy: 99999999999999999999999}\n");
        assertTrue(e.getMessage().contains("count: expected a finite number"), e.getMessage());
        ConfigException e2 = bindError("count: 99999999999\n");
        assertTrue(e2.getMessage().contains("expected a whole number within"), e2.getMessage());
    }

    @Test
    void billionLaughsIsRejected() {
        StringBuilder y = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char p = (char) (c - 1);
            y.append(c).append(": &").append(c).append(" [*").append(p).append(", *").append(p).append(", *")
                    .append(p).append(", *").append(p).append(", *").append(p).append(", *").append(p)
                    .append(", *").append(p).append(", *").append(p).append(", *").append(p).append("]\n");
        }
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigDocument.parse(y.toString(), "bomb.yaml"));
        assertTrue(e.getMessage().contains("bomb.yaml"), e.getMessage());
    }

    @Test
    void javaClassTagsAreRejectedAndNeverConstructed() {
        String evil = "x: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL "
                + "[\"http://127.0.0.1:1/\"]]]]\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigDocument.parse(evil, "evil.yaml"));
        assertTrue(e.getMessage().contains("evil.yaml:1") && e.getMessage().contains("tag"), e.getMessage());
    }

    @Test
    void deepNestingIsRejected() {
        String deep = "a: " + "[".repeat(200) + "]".repeat(200) + "\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigDocument.parse(deep, "deep.yaml"));
        assertTrue(e.getMessage().contains("deep.yaml"), e.getMessage());
    }

    @Test
    void nonUtf8IsRejectedWithTheLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("latin1.yaml");
        Files.write(f, "name: ok\nnote: caf".getBytes(StandardCharsets.US_ASCII));
        Files.write(f, new byte[] {(byte) 0xE9, '\n'}, java.nio.file.StandardOpenOption.APPEND);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigDocument.load(f));
        assertTrue(e.getMessage().contains("latin1.yaml:2") && e.getMessage().contains("not UTF-8"), e.getMessage());
    }

    @Test
    void malformedYamlNamesTheLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigDocument.parse("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml"));
        assertTrue(e.getMessage().contains("bad.yaml:") && e.getMessage().contains("malformed YAML"), e.getMessage());
    }

    @Test
    void duplicateKeysAreRejected() {
        assertThrows(ConfigException.class, () -> ConfigDocument.parse("a: 1\na: 2\n", "dup.yaml"));
    }

    @Test
    void writerOmitsSecrets() {
        record Secretive(@Param(doc = "k", secret = true) String apiKey, @Param(doc = "p") String project) {}
        var map = ConfigWriter.toMap(new Secretive("s3cr3t", "p"));
        assertNull(map.get("api_key"));
        assertEquals("p", map.get("project"));
    }
}
