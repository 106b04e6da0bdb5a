package dev.ncelab.runners;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.ncelab.core.run.Startup;
import dev.ncelab.core.train.EvaluationThreads;

/**
 * Loads DJL's PyTorch engine (about 0.5 s of native libraries) on a background thread from the moment a training
 * command starts, so that it overlaps the command line, the plugin registry and the YAML binding, then gives the
 * training thread exactly the state a freshly started engine gives its caller ({@link #prepare}). A warm sweep
 * worker calls {@link #prepare} before every point, so each point gets its own {@code training.threads} whatever
 * the point before used. {@code -Dncelab.engine.preload=false} loads the engine on the training thread instead
 * (for comparing start-up times).
 */
public final class EngineLoader {
    private static final org.apache.logging.log4j.Logger LOG = org.apache.logging.log4j.LogManager.getLogger(
            EngineLoader.class);
    /** The system property naming the cores this process may use (a sweep worker's share). */
    public static final String CORES = "ncelab.cores";
    private static Thread loading;

    private EngineLoader() {}

    /** Starts loading the engine in the background (once per JVM; later calls do nothing). */
    public static synchronized void startLoading() {
        if (loading != null || "false".equals(System.getProperty("ncelab.engine.preload"))) {
            return;
        }
        // inter-op threads can only be set before the engine does any work: ncelab always uses one
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        loading = new Thread(() -> {
            try {
                Engine.getInstance();
            } catch (RuntimeException | LinkageError e) {
                // reported again, with its message, when the training thread asks for the engine
            }
        }, "ncelab-engine-loader");
        loading.setDaemon(true);
        loading.start();
    }

    /**
     * Waits for the engine and sets, on the calling thread, what PyTorch keeps per thread or per process and a
     * run depends on: gradient recording off (DJL's engine start does this on the thread that starts it) and
     * {@code threads} intra-op threads (one inter-op thread).
     */
    public static void prepare(int threads) {
        Thread t;
        synchronized (EngineLoader.class) {
            t = loading;
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Engine engine = Engine.getInstance();
        if ("PyTorch".equals(engine.getEngineName())) {
            JniUtils.setGradMode(false);
            JniUtils.setNumThreads(threads);
            LOG.info("PyTorch {}: {} intra-op thread(s), {} inter-op", engine.getVersion(), JniUtils.getNumThreads(),
                    JniUtils.getNumInteropThreads());
        }
        Startup.mark("engine");
    }

    /**
     * The engine threads for evaluations beside {@code training} threads for steps: the cores this process is given
     * ({@code -Dncelab.cores}, which a sweep sets to each worker's share; else all of the machine's).
     */
    public static EvaluationThreads evaluationThreads(int training) {
        if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
            return EvaluationThreads.SAME;
        }
        int cores = Integer.getInteger(CORES, Runtime.getRuntime().availableProcessors());
        return new EvaluationThreads(Math.max(training, cores), JniUtils::setNumThreads);
    }
}
