package dev.ncelab.runners;

import dev.ncelab.plugins.wandb.WandbSync;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ncelab wandb-sync RUN_DIR}: uploads a run to W&B from its files, without duplicating accepted lines. */
@Command(name = "wandb-sync", description = "Upload a run (offline, never sent, or partly sent) to Weights & Biases "
        + "from its files; safe to repeat.")
final class WandbSyncCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR")
    Path runDir;

    @Override
    public Integer call() {
        return WandbSync.sync(runDir, System.getenv(), Path.of(System.getProperty("user.home")));
    }
}
