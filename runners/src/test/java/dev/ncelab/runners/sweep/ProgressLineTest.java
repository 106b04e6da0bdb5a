package dev.ncelab.runners.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sweep's progress: finished lines always; at a terminal the progressbar library's bar below them. */
class ProgressLineTest {
    static JobResult result(int index, String status) {
        return new JobResult(new SweepPoint(index, Map.of("lr", 0.1 * (index + 1))), status,
                Map.of("mse", 0.25 * index), status.equals("finished") ? null : "diverged at step 7", 1);
    }

    @Test
    void aTerminalGetsTheLibrarysBarBelowTheFinishedLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressLine line = new ProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, "mse", 4);
        line.tick(2);
        line.finished(result(0, "finished"), 3.0, 2);
        line.finished(result(1, "diverged"), 4.0, 1);
        line.close();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("[1/4] #0   finished    mse 0  lr=0.1  (3 s)"), text);
        assertTrue(text.contains("[2/4] #1   diverged"), text);
        assertTrue(text.contains("diverged at step 7"), text);
        // the progressbar library's rendering: task name, percentage, count with unit, extra message
        assertTrue(text.contains("sweep  50% ["), text);
        assertTrue(text.contains("2/4 points"), text);
        assertTrue(text.contains("1 running, 1 not finished"), text);
        assertTrue(text.endsWith("\r\033[K"), "the bar is cleared at the end: " + text);
    }

    @Test
    void aPipeGetsOnlyTheFinishedLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressLine line = new ProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "mse", 2);
        line.tick(1);
        line.finished(result(0, "finished"), 3.0, 1);
        line.close();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("\r"), text);
        assertEquals(1, text.lines().count(), text);
    }
}
