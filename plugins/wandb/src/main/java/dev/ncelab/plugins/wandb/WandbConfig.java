package dev.ncelab.plugins.wandb;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;
import java.util.List;

/**
 * The {@code logging: {wandb: {...}}} section. Every key left null is taken from the environment the way the
 * W&B SDK takes it ({@code WANDB_PROJECT}, {@code WANDB_ENTITY}, ...; see {@link WandbSettings}); a value given
 * here wins over the environment, as an argument of {@code wandb.init} does.
 */
public record WandbConfig(
        @Param(doc = "send the run to Weights & Biases (WANDB_MODE=online or offline together with WANDB_PROJECT "
                + "also turns it on, and so does WANDB_SWEEP_ID, set by 'wandb agent', unless WANDB_MODE=disabled)", value = "false") boolean enabled,
        @Param(doc = "project (null: WANDB_PROJECT, else 'uncategorized')", value = "null") String project,
        @Param(doc = "user or team (null: WANDB_ENTITY, else the default entity of the API key's owner)",
                value = "null") String entity,
        @Param(doc = "display name of the run (null: WANDB_NAME, else W&B makes one up)", value = "null") String name,
        @Param(doc = "run group (null: WANDB_RUN_GROUP, else the sweep name for a sweep point)", value = "null")
                String group,
        @Param(doc = "notes shown with the run (null: WANDB_NOTES)", value = "null") String notes,
        @Param(doc = "tags (null: WANDB_TAGS, comma-separated)", value = "null") List<String> tags,
        @Param(doc = "online; offline (write wandb/ in the run directory only, upload later with "
                + "'./ncelab wandb-sync <run dir>'); disabled (null: WANDB_MODE, else online)", value = "null")
                Mode mode,
        @Param(doc = "W&B server (null: WANDB_BASE_URL, else https://api.wandb.ai); a self-hosted server is e.g. "
                + "http://localhost:8080", value = "null") String baseUrl,
        @Param(doc = "API key (null: WANDB_API_KEY, else ~/.netrc as 'wandb login' writes it); never written to "
                + "a file or a log", value = "null", secret = true) String apiKey,
        @Param(doc = "seconds between two uploads of queued metrics", value = "5.0") double flushEvery,
        @Param(doc = "seconds without any successful upload request after which the end of a run stops waiting "
                + "for the upload (it keeps waiting while the server makes progress; the run still ends normally and "
                + "'./ncelab wandb-sync <run dir>' uploads the rest)", value = "30.0") double finishTimeout) {

    /** {@code online}, {@code offline} or {@code disabled}, as {@code WANDB_MODE}. */
    public enum Mode { ONLINE, OFFLINE, DISABLED }

    public WandbConfig {
        if (project != null) {
            Checks.that(validProject(project), "project",
                    "expected 1 to 128 characters without / \\ # ? % :, found '" + project + "'");
        }
        if (tags != null) {
            Checks.that(tags.stream().allMatch(t -> t != null && !t.isEmpty() && t.length() <= 64), "tags",
                    "expected tags of 1 to 64 characters, found " + tags);
        }
        if (baseUrl != null) {
            Checks.that(WandbSettings.parseBaseUrl(baseUrl) != null, "base_url",
                    "expected an http:// or https:// URL such as https://api.wandb.ai, found '" + baseUrl + "'");
        }
        Checks.positive("flush_every", flushEvery);
        Checks.positive("finish_timeout", finishTimeout);
    }

    /** The SDK's project name rule ({@code validate_project}). */
    static boolean validProject(String project) {
        return !project.isEmpty() && project.length() <= 128 && project.chars().noneMatch(c -> "/\\#?%:".indexOf(c) >= 0);
    }

    /** Never shows the API key (a record's generated toString would). */
    @Override
    public String toString() {
        return "WandbConfig[enabled=" + enabled + ", project=" + project + ", entity=" + entity + ", name=" + name
                + ", group=" + group + ", notes=" + notes + ", tags=" + tags + ", mode=" + mode + ", baseUrl="
                + baseUrl + ", apiKey=" + (apiKey == null ? "null" : "***") + ", flushEvery=" + flushEvery
                + ", finishTimeout=" + finishTimeout + "]";
    }
}
