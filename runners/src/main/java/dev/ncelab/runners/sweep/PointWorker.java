package dev.ncelab.runners.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A warm sweep worker: one JVM that trains points one after the other, so that each point after the first skips
 * the JVM start, the class loading, the plugin registry and the engine load. {@code java ... PointWorker <entry
 * class>} reads one point per line on standard input, as JSON {@code {"index": 3, "log": "<sweep>/runs/3.log",
 * "args": ["run", ...]}}, calls {@code <entry class>.execute(args)} (for ncelab, {@code Main.execute}: the same
 * command a lone {@code ./ncelab run} executes) with {@code System.out} and {@code System.err} going to the
 * point's log, and answers on standard output with the line {@code @ncelab-point <index> <exit code>}. Other
 * output on standard output (a native crash report) is the executor's to log.
 *
 * <p>A point that throws is that point's failure (exit code 1, the stack trace in its log); the worker goes on
 * with the next. A {@link VirtualMachineError} (out of memory, stack overflow) may leave the JVM in a bad state:
 * the point is reported failed and the worker exits, so the executor starts a fresh one for the rest. The
 * worker exits when its standard input closes.
 */
public final class PointWorker {
    static final String DONE = "@ncelab-point ";
    /** The worker's exit code after a {@link VirtualMachineError}. */
    static final int RETIRED_AFTER_ERROR = 70;

    private PointWorker() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: PointWorker <class with static int execute(String...)>");
            System.exit(2);
        }
        Method execute = Class.forName(args[0]).getMethod("execute", String[].class);
        if (args[0].equals(JvmWorker.MAIN)) {
            dev.ncelab.runners.EngineLoader.startLoading();
            System.setProperty(dev.ncelab.runners.PluginLoader.REUSE, "true");
        }
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        PrintStream idle = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.setOut(idle); // between points, stray output goes to the worker's log, never into the protocol
        ObjectMapper json = new ObjectMapper();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode point = json.readTree(line);
            int index = point.get("index").asInt();
            List<String> argv = new ArrayList<>();
            point.get("args").forEach(a -> argv.add(a.asText()));
            int code;
            boolean retire = false;
            dev.ncelab.core.run.Startup.reset();
            try (OutputStream file = Files.newOutputStream(Path.of(point.get("log").asText()),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                 PrintStream log = new PrintStream(file, true, StandardCharsets.UTF_8)) {
                System.setOut(log);
                System.setErr(log);
                try {
                    code = (Integer) execute.invoke(null, (Object) argv.toArray(String[]::new));
                } catch (java.lang.reflect.InvocationTargetException e) {
                    Throwable cause = e.getCause();
                    log.println("the point failed with an exception:");
                    cause.printStackTrace(log);
                    retire = cause instanceof VirtualMachineError;
                    if (retire) {
                        log.println("(the worker process stops after this error; a fresh one runs the next point)");
                    }
                    code = 1;
                } finally {
                    System.setOut(idle);
                    System.setErr(idle);
                }
            }
            protocol.println(DONE + index + " " + code);
            if (retire) {
                System.exit(RETIRED_AFTER_ERROR);
            }
        }
        System.exit(0);
    }
}
