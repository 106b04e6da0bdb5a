package dev.ncelab.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.csv is proper CSV: cells with commas or quotes survive writing, reading and truncation. */
class MetricsCsvTest {
    static Map<String, Object> row(long step, String trained) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("trained", trained);
        m.put("value", 0.5 / (step + 1));
        return m;
    }

    static List<CSVRecord> read(Path f) throws IOException {
        try (CSVParser p = CSVParser.parse(f, StandardCharsets.UTF_8, CSVFormat.RFC4180)) {
            return p.getRecords();
        }
    }

    @Test
    void cellsWithCommasAndQuotesAreQuotedAndSurviveTruncation(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("metrics.csv");
        MetricsCsv csv = new MetricsCsv(f, List.of("step", "trained", "value"));
        csv.start(new RunInfo("t", "id", dir, Map.of(), null, false));
        csv.log(0, row(0, "energy"));
        csv.log(10, row(10, "energy,noise"));
        csv.log(20, row(20, "say \"hi\""));
        csv.log(30, row(30, "energy,noise"));
        List<CSVRecord> records = read(f);
        assertEquals(5, records.size());
        assertEquals("energy,noise", records.get(2).get(1));
        assertEquals("say \"hi\"", records.get(3).get(1));
        assertEquals(3, records.get(2).size(), "the comma did not add a column");

        // a kill mid-row leaves a torn last row with an open quote
        Files.writeString(f, "40,\"energy,no", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        MetricsCsv.truncateAfter(f, 20);
        List<CSVRecord> kept = read(f);
        assertEquals(List.of("step", "0", "10", "20"), kept.stream().map(r -> r.get(0)).toList());
        assertEquals("energy,noise", kept.get(2).get(1), "a row with a comma in a cell is kept whole");
        assertEquals("say \"hi\"", kept.get(3).get(1));
    }

    @Test
    void aTornRowWithoutQuotesIsDroppedToo(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("metrics.csv");
        Files.writeString(f, "step,trained,value\n0,energy,0.5\n10,energy,0.25\n20,ene");
        MetricsCsv.truncateAfter(f, 100);
        assertEquals("step,trained,value\n0,energy,0.5\n10,energy,0.25\n", Files.readString(f));
    }
}
