package dev.ncelab.plugins.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.plugins.wandb.WandbConfig.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's precedence: YAML over environment over netrc over defaults; what turns logging on. */
class WandbSettingsTest {
    @TempDir
    Path home;

    static WandbConfig cfg(boolean enabled, String project, Mode mode, String baseUrl, String apiKey) {
        return new WandbConfig(enabled, project, null, null, null, null, null, mode, baseUrl, apiKey, 5.0, 30.0);
    }

    static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private void netrc(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void theKeyComesFromTheConfigThenWandbApiKeyThenNetrc() throws IOException {
        netrc(home.resolve(".netrc"), "machine api.wandb.ai\n  login user\n  password netrc-key\n");
        assertEquals("yaml-key", WandbSettings.resolve(cfg(true, "p", null, null, "yaml-key"),
                env("WANDB_API_KEY", "env-key"), home).apiKey());
        WandbSettings fromEnv = WandbSettings.resolve(cfg(true, "p", null, null, null), env("WANDB_API_KEY", "env-key"),
                home);
        assertEquals("env-key", fromEnv.apiKey());
        assertEquals("WANDB_API_KEY", fromEnv.keySource());
        WandbSettings fromNetrc = WandbSettings.resolve(cfg(true, "p", null, null, null), env(), home);
        assertEquals("netrc-key", fromNetrc.apiKey());
        assertEquals(home.resolve(".netrc").toString(), fromNetrc.keySource());
    }

    @Test
    void netrcIsTheNetrcVariableThenDotNetrcThenUnderscoreNetrcAndTheMachineIsHostAndPort() throws IOException {
        netrc(home.resolve("_netrc"), "machine localhost:8080 login user password underscore-key\n");
        String local = "http://localhost:8080/";
        assertEquals("underscore-key", WandbSettings.resolve(cfg(true, "p", null, local, null), env(), home).apiKey());
        netrc(home.resolve(".netrc"), """
                # written by wandb login
                machine localhost login user password host-only-key
                macdef init
                password not-this-one

                machine localhost:8080
                  login user
                  password "dot-key"
                default login x password default-key
                """);
        assertEquals("dot-key", WandbSettings.resolve(cfg(true, "p", null, local, null), env(), home).apiKey());
        assertEquals("host-only-key", WandbSettings.resolve(cfg(true, "p", null, "http://localhost", null), env(),
                home).apiKey());
        assertEquals("default-key", WandbSettings.resolve(cfg(true, "p", null, "https://wandb.example.com", null),
                env(), home).apiKey());
        Path other = home.resolve("elsewhere/netrc");
        netrc(other, "machine localhost:8080 password from-NETRC\n");
        assertEquals("from-NETRC", WandbSettings.resolve(cfg(true, "p", null, null, null),
                env("NETRC", other.toString(), "WANDB_BASE_URL", local), home).apiKey());
        assertEquals("localhost:8080", WandbSettings.machine("http://localhost:8080"));
        assertEquals("api.wandb.ai", WandbSettings.machine(WandbSettings.DEFAULT_BASE_URL));
    }

    @Test
    void theBaseUrlIsTheConfigThenWandbBaseUrlThenTheDefaultWithoutTrailingSlash() {
        assertEquals("https://wandb.corp.example", WandbSettings.resolve(cfg(true, "p", null,
                "https://wandb.corp.example/", "k"), env("WANDB_BASE_URL", "http://localhost:8080"), home).baseUrl());
        WandbSettings env = WandbSettings.resolve(cfg(true, "p", null, null, "k"),
                env("WANDB_BASE_URL", "http://localhost:8080//"), home);
        assertEquals("http://localhost:8080", env.baseUrl());
        assertEquals("http://localhost:8080", env.appUrl(), "self-hosted: the UI is at the same address");
        WandbSettings def = WandbSettings.resolve(cfg(true, "p", null, null, "k"), env(), home);
        assertEquals("https://api.wandb.ai", def.baseUrl());
        assertEquals("https://wandb.ai", def.appUrl());
        assertEquals("https://app.corp.example", WandbSettings.appUrl("https://api.corp.example", env()));
        assertEquals("https://api.wandb.ai", WandbSettings.resolve(cfg(true, "p", null, null, "k"),
                env("WANDB_BASE_URL", "not a url"), home).baseUrl());
    }

    @Test
    void whatTurnsLoggingOnAndWhichMode() {
        assertFalse(WandbSettings.resolve(cfg(false, "p", null, null, "k"), env(), home).active());
        WandbSettings online = WandbSettings.resolve(cfg(false, null, null, null, "k"),
                env("WANDB_MODE", "online", "WANDB_PROJECT", "envproj"), home);
        assertTrue(online.active());
        assertEquals(Mode.ONLINE, online.mode());
        assertEquals("envproj", online.project());
        WandbSettings offline = WandbSettings.resolve(cfg(false, null, null, null, null),
                env("WANDB_MODE", "offline", "WANDB_PROJECT", "envproj"), home);
        assertTrue(offline.active());
        assertEquals(Mode.OFFLINE, offline.mode());
        assertFalse(WandbSettings.resolve(cfg(false, null, null, null, "k"), env("WANDB_MODE", "online"), home)
                .active(), "WANDB_MODE alone does not turn it on");
        assertFalse(WandbSettings.resolve(cfg(true, "p", null, null, "k"), env("WANDB_MODE", "disabled"), home)
                .active());
        assertEquals(Mode.OFFLINE, WandbSettings.resolve(cfg(true, "p", null, null, "k"), env("WANDB_MODE", "dryrun"),
                home).mode());
        assertEquals(Mode.OFFLINE, WandbSettings.resolve(cfg(true, "p", Mode.OFFLINE, null, "k"),
                env("WANDB_MODE", "online"), home).mode(), "the config wins over the environment");
        assertEquals(Mode.ONLINE, WandbSettings.resolve(cfg(true, "p", null, null, "k"), env("WANDB_MODE", "bogus"),
                home).mode());
        assertEquals(Mode.OFFLINE, WandbSettings.resolve(cfg(true, "p", null, null, null), env(), home).mode(),
                "online without any key falls back to offline");
    }

    @Test
    void namesComeFromTheConfigThenTheEnvironment() {
        Map<String, String> e = env("WANDB_ENTITY", "team", "WANDB_PROJECT", "envproj", "WANDB_NAME", "nice-run",
                "WANDB_RUN_GROUP", "g", "WANDB_NOTES", "n", "WANDB_TAGS", "a, b,,c ", "WANDB_RUN_ID", "run01",
                "WANDB_JOB_TYPE", "train", "WANDB_API_KEY", "k");
        WandbSettings s = WandbSettings.resolve(cfg(true, null, null, null, null), e, home);
        assertEquals("team", s.entity());
        assertEquals("envproj", s.project());
        assertEquals("nice-run", s.displayName());
        assertEquals("g", s.group());
        assertEquals("n", s.notes());
        assertEquals(List.of("a", "b", "c"), s.tags());
        assertEquals("run01", s.runId());
        assertEquals("train", s.jobType());
        WandbConfig c = new WandbConfig(true, "yproj", "yteam", "yname", "ygroup", "ynotes", List.of("x"), null, null,
                null, 5.0, 30.0);
        WandbSettings y = WandbSettings.resolve(c, e, home);
        assertEquals("yteam", y.entity());
        assertEquals("yproj", y.project());
        assertEquals("yname", y.displayName());
        assertEquals("ygroup", y.group());
        assertEquals("ynotes", y.notes());
        assertEquals(List.of("x"), y.tags());
        WandbSettings none = WandbSettings.resolve(cfg(true, null, null, null, "k"), env(), home);
        assertEquals("uncategorized", none.project());
        assertNull(none.entity());
        assertNull(none.group());
        assertEquals(List.of(), none.tags());
        assertNull(WandbSettings.resolve(cfg(true, "p", null, null, "k"), env("WANDB_RUN_ID", "a/b"), home).runId());
    }

    @Test
    void toStringNeverShowsTheKey() {
        WandbSettings s = WandbSettings.resolve(cfg(true, "p", null, null, Fixtures.KEY), env(), home);
        assertFalse(s.toString().contains(Fixtures.KEY));
        assertFalse(cfg(true, "p", null, null, Fixtures.KEY).toString().contains(Fixtures.KEY));
    }
}
