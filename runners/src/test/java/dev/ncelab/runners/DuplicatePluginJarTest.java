package dev.ncelab.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two plugin jars providing the same plugin module class are reported naming both jars, exit 2. */
class DuplicatePluginJarTest {
    static Path jar(Path dir, String name, String... modules) throws IOException {
        Files.createDirectories(dir);
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry(PluginJars.SERVICES));
            out.write(("# a comment\n" + String.join("\n", modules) + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void twoVersionsOfOnePluginInThePluginDirectoriesAreNamed(@TempDir Path tmp) throws IOException {
        Path a = jar(tmp.resolve("plugins"), "acme-noise-1.0.jar", "com.acme.AcmeNoiseModule");
        Path b = jar(tmp.resolve("more"), "acme-noise-1.1.jar", "com.acme.OtherModule", "com.acme.AcmeNoiseModule");
        Cli.Result r = Cli.run("--plugins", a.getParent().toString(), "--plugins", b.getParent().toString(),
                "plugins");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("com.acme.AcmeNoiseModule is provided by " + a + " and again by " + b), r.err());
        assertTrue(r.err().contains("remove the other jar"), r.err());
    }

    @Test
    void aCopyOfABuiltInPluginIsNamedWithTheClassPath(@TempDir Path tmp) throws IOException {
        Path copy = jar(tmp, "ncelab-wandb-old.jar", "dev.ncelab.plugins.wandb.WandbModule");
        Cli.Result r = Cli.run("--plugins", tmp.toString(), "plugins");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("dev.ncelab.plugins.wandb.WandbModule is provided by the class path ("), r.err());
        assertTrue(r.err().contains("and again by " + copy), r.err());
    }

    @Test
    void distinctModulesLoadAsBefore(@TempDir Path tmp) throws IOException {
        jar(tmp, "empty.jar");
        Cli.Result r = Cli.run("--plugins", tmp.toString(), "plugins");
        assertEquals(0, r.code(), r.err());
    }
}
