package dev.ncelab.runners.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** jobs.csv reads back cell for cell with a standard CSV parser, whatever the messages and values hold. */
class JobsCsvTest {
    @Test
    void everyCellReadsBackWithAStandardParser() throws IOException {
        SweepPoint a = new SweepPoint(0, Map.of("hidden", List.of(64L, 64L), "name", "a,b"));
        SweepPoint b = new SweepPoint(1, Map.of("hidden", List.of(32L), "name", " lead"));
        SweepPlan plan = new SweepPlan("r", null, Path.of("/e.yaml"), "grid", null, 0, null, List.of(),
                List.of("hidden", "name"), List.of(a, b));
        String message = "line one\nline \"two\", with a comma\r\nend";
        String csv = JobsCsv.text(plan, List.of(new JobResult(b, "finished", Map.of("mse", 0.5), null, 1),
                new JobResult(a, "failed", Map.of(), message, 1)));
        List<CSVRecord> rows;
        try (CSVParser p = CSVParser.parse(csv, CSVFormat.RFC4180)) {
            rows = p.getRecords();
        }
        assertEquals(List.of("index", "status", "hidden", "name", "mse", "run_dir", "overrides", "message"),
                rows.get(0).toList());
        assertEquals(List.of("0", "failed", "[64,64]", "a,b", "", "runs/0"), rows.get(1).toList().subList(0, 6));
        assertEquals(message, rows.get(1).get(7));
        assertEquals(" lead", rows.get(2).get(3));
        assertEquals("0.5", rows.get(2).get(4));
        assertEquals(3, rows.size());
    }
}
