package dev.ncelab.plugins.wandb;

import dev.ncelab.plugins.wandb.WandbConfig.Mode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The W&B settings of one run, resolved as the SDK resolves them: the YAML section (like {@code wandb.init}
 * arguments) first, then the {@code WANDB_*} environment, then {@code netrc} for the key, then the SDK's
 * defaults. The environment and the home directory are passed in, never read from globals, so tests control
 * them. {@link #toString()} never shows the key.
 */
public final class WandbSettings {
    private static final Logger LOG = LogManager.getLogger(WandbSettings.class);

    /** The SDK's default server. */
    public static final String DEFAULT_BASE_URL = "https://api.wandb.ai";
    /** The SDK's project when none is given (and no git repository names one). */
    public static final String DEFAULT_PROJECT = "uncategorized";

    private final boolean enabled;
    private final Mode mode;
    private final String baseUrl;
    private final String apiKey;
    private final String keySource;
    private final String entity;
    private final String project;
    private final String runId;
    private final String displayName;
    private final String group;
    private final String notes;
    private final List<String> tags;
    private final String jobType;
    private final String appUrl;
    private final Map<String, String> graphqlHeaders;
    private final String sweepId;

    private WandbSettings(boolean enabled, Mode mode, String baseUrl, String apiKey, String keySource, String entity,
            String project, String runId, String displayName, String group, String notes, List<String> tags,
            String jobType, String appUrl, Map<String, String> graphqlHeaders, String sweepId) {
        this.enabled = enabled;
        this.mode = mode;
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.keySource = keySource;
        this.entity = entity;
        this.project = project;
        this.runId = runId;
        this.displayName = displayName;
        this.group = group;
        this.notes = notes;
        this.tags = tags;
        this.jobType = jobType;
        this.appUrl = appUrl;
        this.graphqlHeaders = graphqlHeaders;
        this.sweepId = sweepId;
    }

    /** Resolves a run's settings; logs (without the key) what it had to guess or ignore. */
    public static WandbSettings resolve(WandbConfig c, Map<String, String> env, Path home) {
        Mode envMode = mode(env.get("WANDB_MODE"));
        String sweepId = trimmed(env.get("WANDB_SWEEP_ID"));
        // 'wandb agent' sets WANDB_SWEEP_ID (and WANDB_RUN_ID, WANDB_PROJECT, WANDB_ENTITY) but not WANDB_MODE:
        // a run it starts logs to its sweep unless W&B is switched off
        boolean enabled = c.enabled()
                || ((envMode == Mode.ONLINE || envMode == Mode.OFFLINE) && present(env.get("WANDB_PROJECT")))
                || (sweepId != null && envMode != Mode.DISABLED);
        Mode mode = c.mode() != null ? c.mode() : envMode != null ? envMode : Mode.ONLINE;
        String baseUrl = c.baseUrl() != null ? parseBaseUrl(c.baseUrl()) : baseUrlFromEnv(env);
        String key = trimmed(c.apiKey());
        String source = key != null ? "the configuration" : null;
        if (key == null && trimmed(env.get("WANDB_API_KEY")) != null) {
            key = trimmed(env.get("WANDB_API_KEY"));
            source = "WANDB_API_KEY";
        }
        if (key == null) {
            Netrc.Found found = Netrc.find(env, home, machine(baseUrl));
            if (found != null) {
                key = found.password();
                source = found.file().toString();
            }
        }
        if (enabled && mode == Mode.ONLINE && key == null) {
            LOG.warn("W&B: no API key (logging.wandb.api_key, WANDB_API_KEY, or 'machine {}' in {}): the run is "
                    + "logged offline to <run dir>/wandb; upload it later with './ncelab wandb-sync <run dir>'",
                    machine(baseUrl), netrcFile(env, home));
            mode = Mode.OFFLINE;
        }
        return new WandbSettings(enabled, mode, baseUrl, key, source, first(c.entity(), env.get("WANDB_ENTITY")),
                first(c.project(), env.get("WANDB_PROJECT"), DEFAULT_PROJECT), runIdFromEnv(env),
                first(c.name(), env.get("WANDB_NAME")), first(c.group(), env.get("WANDB_RUN_GROUP")),
                first(c.notes(), env.get("WANDB_NOTES")),
                c.tags() != null ? List.copyOf(c.tags()) : tags(env.get("WANDB_TAGS")), trimmed(env.get("WANDB_JOB_TYPE")),
                appUrl(baseUrl, env), graphqlHeaders(env), sweepId);
    }

    /** Whether the run logs to W&B at all (online or offline). */
    public boolean active() {
        return enabled && mode != Mode.DISABLED;
    }

    public boolean enabled() {
        return enabled;
    }

    public Mode mode() {
        return mode;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The key; package-private so that only the HTTP client sees it. */
    String apiKey() {
        return apiKey;
    }

    /** Where the key came from (a variable name or a file), for messages. */
    public String keySource() {
        return keySource;
    }

    public String entity() {
        return entity;
    }

    public String project() {
        return project;
    }

    /** {@code WANDB_RUN_ID}, or null (a random id is made at start). */
    public String runId() {
        return runId;
    }

    public String displayName() {
        return displayName;
    }

    /** The configured group, or null (then the sweep name, if any). */
    public String group() {
        return group;
    }

    public String notes() {
        return notes;
    }

    public List<String> tags() {
        return tags;
    }

    public String jobType() {
        return jobType;
    }

    /** {@code WANDB_SWEEP_ID}: the W&B sweep that started this run ({@code wandb agent}), or null. */
    public String sweepId() {
        return sweepId;
    }

    public String appUrl() {
        return appUrl;
    }

    Map<String, String> graphqlHeaders() {
        return graphqlHeaders;
    }

    @Override
    public String toString() {
        return "WandbSettings[mode=" + mode.name().toLowerCase(Locale.ROOT) + ", enabled=" + enabled + ", baseUrl="
                + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "*** from " + keySource) + ", entity=" + entity
                + ", project=" + project + ", runId=" + runId + ", name=" + displayName + ", group=" + group
                + ", tags=" + tags + ", sweep=" + sweepId + "]";
    }

    // ---- the SDK's rules, shared with WandbSync ----

    /** {@code WANDB_MODE}: online, offline, disabled, plus the legacy {@code dryrun} and {@code run}. */
    static Mode mode(String value) {
        String v = trimmed(value);
        if (v == null) {
            return null;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "online", "run", "shared" -> Mode.ONLINE;
            case "offline", "dryrun" -> Mode.OFFLINE;
            case "disabled" -> Mode.DISABLED;
            default -> {
                LOG.warn("W&B: WANDB_MODE={} is not one of online, offline, disabled: ignored", v);
                yield null;
            }
        };
    }

    /** {@code WANDB_BASE_URL} or the default; an invalid value is reported and replaced by the default. */
    static String baseUrlFromEnv(Map<String, String> env) {
        String v = trimmed(env.get("WANDB_BASE_URL"));
        if (v == null) {
            return DEFAULT_BASE_URL;
        }
        String parsed = parseBaseUrl(v);
        if (parsed == null) {
            LOG.warn("W&B: WANDB_BASE_URL={} is not an http(s) URL: using {}", v, DEFAULT_BASE_URL);
            return DEFAULT_BASE_URL;
        }
        return parsed;
    }

    /** An http(s) URL without trailing slashes and without user info, or null when it is not one. */
    static String parseBaseUrl(String value) {
        String v = value.trim();
        while (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        try {
            URI uri = new URI(v);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                return null;
            }
            if (uri.getRawUserInfo() != null) {
                uri = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
                        uri.getFragment());
            }
            return uri.toString();
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The netrc machine of a base URL: its {@code host[:port]}, the port only when the URL spells it. */
    static String machine(String baseUrl) {
        URI uri = URI.create(baseUrl);
        return uri.getPort() >= 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
    }

    /** The UI address ({@code util.api_to_app_url}): api.wandb.* becomes wandb.*, other api.* becomes app.*. */
    static String appUrl(String baseUrl, Map<String, String> env) {
        String override = trimmed(env.get("WANDB_APP_URL"));
        if (override != null) {
            return override.replaceAll("/+$", "");
        }
        if (baseUrl.contains("://api.wandb.")) {
            return baseUrl.replace("://api.wandb.", "://wandb.");
        }
        if (baseUrl.contains("://api.")) {
            return baseUrl.replace("://api.", "://app.");
        }
        return baseUrl;
    }

    /** {@code WANDB_RUN_ID} when it is a valid run id ({@code validate_run_id}), else null. */
    static String runIdFromEnv(Map<String, String> env) {
        String v = env.get("WANDB_RUN_ID");
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (!validRunId(v)) {
            LOG.warn("W&B: WANDB_RUN_ID='{}' is not a valid run id (no spaces at the ends, none of : ; , # ? / '): "
                    + "a new id is made", v);
            return null;
        }
        return v;
    }

    static boolean validRunId(String v) {
        return !v.isEmpty() && v.equals(v.strip()) && v.chars().noneMatch(c -> ":;,#?/'".indexOf(c) >= 0);
    }

    /** {@code WANDB_TAGS}: comma-separated, blanks dropped. */
    static List<String> tags(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String t : value.split(",")) {
                if (!t.strip().isEmpty()) {
                    out.add(t.strip());
                }
            }
        }
        return List.copyOf(out);
    }

    static Map<String, String> graphqlHeaders(Map<String, String> env) {
        Map<String, String> h = new LinkedHashMap<>();
        if (trimmed(env.get("WANDB_USERNAME")) != null) {
            h.put("X-WANDB-USERNAME", trimmed(env.get("WANDB_USERNAME")));
        }
        if (trimmed(env.get("WANDB_USER_EMAIL")) != null) {
            h.put("X-WANDB-USER-EMAIL", trimmed(env.get("WANDB_USER_EMAIL")));
        }
        return Map.copyOf(h);
    }

    /** The key for a server: {@code WANDB_API_KEY}, else netrc (the order of {@code Api.api_key}). */
    static String keyFor(String baseUrl, Map<String, String> env, Path home) {
        String key = trimmed(env.get("WANDB_API_KEY"));
        if (key != null) {
            return key;
        }
        Netrc.Found found = Netrc.find(env, home, machine(baseUrl));
        return found == null ? null : found.password();
    }

    /** The netrc file the SDK reads: {@code $NETRC}, else {@code ~/.netrc}, else {@code ~/_netrc}. */
    static Path netrcFile(Map<String, String> env, Path home) {
        String v = trimmed(env.get("NETRC"));
        if (v != null) {
            return v.startsWith("~/") && home != null ? home.resolve(v.substring(2)) : Path.of(v);
        }
        if (home == null) {
            return Path.of(".netrc");
        }
        Path dot = home.resolve(".netrc");
        Path under = home.resolve("_netrc");
        if (!Files.exists(dot) && Files.exists(under)) {
            return under;
        }
        return dot;
    }

    static String first(String... values) {
        for (String v : values) {
            if (trimmed(v) != null) {
                return v.strip();
            }
        }
        return null;
    }

    static String trimmed(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    static boolean present(String v) {
        return trimmed(v) != null;
    }

    /** A minimal netrc reader (what Python's {@code netrc} module accepts): machine, default, macdef. */
    static final class Netrc {
        record Found(Path file, String password) {}

        private Netrc() {}

        static Found find(Map<String, String> env, Path home, String machine) {
            Path file = netrcFile(env, home);
            if (!Files.isRegularFile(file)) {
                return null;
            }
            try {
                String password = password(Files.readString(file, StandardCharsets.UTF_8), machine);
                return password == null ? null : new Found(file, password);
            } catch (IOException e) {
                LOG.warn("W&B: cannot read {}: {}", file, e.getMessage());
                return null;
            }
        }

        /** The password of {@code machine}, else of {@code default}, else null. */
        static String password(String text, String machine) {
            List<String> tokens = tokens(text);
            String found = null;
            String fallback = null;
            int i = 0;
            while (i < tokens.size()) {
                String t = tokens.get(i);
                if (t.equals("machine") || t.equals("default")) {
                    boolean isDefault = t.equals("default");
                    String name = isDefault ? null : (i + 1 < tokens.size() ? tokens.get(i + 1) : null);
                    i += isDefault ? 1 : 2;
                    String password = null;
                    while (i < tokens.size() && !tokens.get(i).equals("machine") && !tokens.get(i).equals("default")
                            && !tokens.get(i).equals("\u0000macdef")) {
                        String k = tokens.get(i);
                        String v = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
                        if (k.equals("password")) {
                            password = v;
                        }
                        i += 2;
                    }
                    if (isDefault) {
                        fallback = fallback == null ? password : fallback;
                    } else if (machine.equals(name) && found == null) {
                        found = password;
                    }
                } else {
                    i++;
                }
            }
            String p = found != null ? found : fallback;
            return p == null || p.isBlank() ? null : p;
        }

        /** Whitespace-separated tokens, double quotes honoured, macdef bodies skipped. */
        private static List<String> tokens(String text) {
            List<String> out = new ArrayList<>();
            String[] lines = text.split("\r?\n", -1);
            for (int l = 0; l < lines.length; l++) {
                String line = lines[l];
                int i = 0;
                while (i < line.length()) {
                    char ch = line.charAt(i);
                    if (Character.isWhitespace(ch)) {
                        i++;
                        continue;
                    }
                    if (ch == '#' && line.substring(0, i).isBlank()) {
                        break; // a comment line
                    }
                    StringBuilder sb = new StringBuilder();
                    if (ch == '"') {
                        i++;
                        while (i < line.length() && line.charAt(i) != '"') {
                            if (line.charAt(i) == '\\' && i + 1 < line.length()) {
                                i++;
                            }
                            sb.append(line.charAt(i++));
                        }
                        i++;
                    } else {
                        while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                            sb.append(line.charAt(i++));
                        }
                    }
                    String tok = sb.toString();
                    if (tok.equals("macdef")) {
                        out.add("\u0000macdef");
                        while (l + 1 < lines.length && !lines[l + 1].isBlank()) {
                            l++;
                        }
                        break;
                    }
                    out.add(tok);
                }
            }
            return out;
        }
    }
}
