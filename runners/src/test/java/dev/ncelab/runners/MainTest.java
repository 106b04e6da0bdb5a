package dev.ncelab.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The command line builds only the subcommand it names, and still helps and refuses as before. */
class MainTest {
    @Test
    void theSubcommandIsTheFirstWordAfterTheTopLevelOptions() {
        assertEquals("run", Main.subcommand("--plugins", "bench", "run", "e.yaml"));
        assertEquals("bench", Main.subcommand("bench", "e.yaml"));
        assertNull(Main.subcommand("--version"));
        assertTrue(Main.trains("--plugins", "d", "bench", "e.yaml"));
        assertTrue(!Main.trains("plugins"));
    }

    @Test
    void helpStillListsEveryCommandAndAnUnknownOneIsRefused() {
        Cli.Result help = Cli.run("--help");
        assertEquals(0, help.code());
        for (Class<?> c : Main.SUBCOMMANDS) {
            assertTrue(help.out().contains("  " + Main.name(c) + " "), Main.name(c) + " in:\n" + help.out());
        }
        Cli.Result run = Cli.run("help", "run");
        assertEquals(0, run.code());
        assertTrue(run.out().contains("Usage: ncelab run"), run.out());
        Cli.Result unknown = Cli.run("trian", "e.yaml");
        assertEquals(2, unknown.code()); // 2: bad input (Main's javadoc)
        assertTrue(unknown.err().contains("'trian'"), unknown.err());
    }

    @Test
    void benchPrintsTheStartUpPhasesInOrderAndTheirTotal(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path exp = dir.resolve("e.yaml");
        java.nio.file.Files.writeString(exp, """
                seed: 1
                dataset:  {type: 8gaussians, samples: 200}
                energy:   {type: mlp, hidden: [8]}
                noise:    {type: gaussian, std: 2.0}
                objective: {type: nce}
                schedule: {type: nce}
                training: {epochs: 1, batch: 50}
                logging:  {grid: 20, plots: false}
                """);
        dev.ncelab.core.run.Startup.reset(); // this JVM ran other commands before
        Cli.Result r = Cli.run("bench", exp.toString(), "output=" + dir, "--warmup", "0");
        assertEquals(0, r.code(), r.err());
        com.fasterxml.jackson.databind.JsonNode startup = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(r.out().strip().lines().reduce((a, b) -> b).orElseThrow()).get("startup");
        java.util.List<String> keys = new java.util.ArrayList<>();
        startup.fieldNames().forEachRemaining(keys::add);
        assertEquals(java.util.List.of("jvm_s", "plugins_s", "config_s", "engine_s", "data_s", "experiment_s",
                "setup_s", "first_step_s", "total_s", "main_thread_cpu_s", "process_cpu_s"), keys);
        // (no launcher_s: no -Dncelab.launched here)
        assertTrue(startup.get("main_thread_cpu_s").asDouble() > 0, startup.toString());
        double sum = 0;
        for (String k : keys.subList(0, keys.size() - 3)) {
            assertTrue(startup.get(k).asDouble() >= 0, k + " " + startup);
            sum += startup.get(k).asDouble();
        }
        // each phase is rounded to the millisecond: 8 roundings
        assertEquals(sum, startup.get("total_s").asDouble(), 0.004, startup.toString());
    }

    @Test
    void launchTimesFromBashParseWithAPointOrAComma() {
        assertEquals(1_700_000_000_123.0, BenchCommand.launchedMillis("1700000000.123000"), 1e-3);
        assertEquals(1_700_000_000_123.0, BenchCommand.launchedMillis("1700000000,123000"), 1e-3);
        assertNull(BenchCommand.launchedMillis(""));
    }
}
