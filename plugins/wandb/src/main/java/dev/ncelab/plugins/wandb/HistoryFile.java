package dev.ncelab.plugins.wandb;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code <run>/wandb/history.jsonl}: every history line the logger produced, exactly as it is sent (one JSON
 * object per line, {@code _step}, {@code _runtime}, {@code _timestamp} included). The file is append-only and
 * is also the sender's outbox: the sender reads lines from the byte offset after the last accepted line, so a
 * dead server costs disk, never memory, and {@code ncelab wandb-sync} replays the same lines later.
 */
final class HistoryFile implements AutoCloseable {
    static final String FILE = "history.jsonl";

    /** What a scan of an existing file found (complete lines only). */
    record Scan(long lines, long bytes, Long lastStep, Double lastRuntime, Summary summary) {}

    /** Lines read for one request, and the byte offset just after them. */
    record Chunk(List<String> lines, long endByte) {}

    private final FileChannel out;
    private long size;

    /** Opens the file for appending (creating it); {@code size} is where the complete lines end. */
    HistoryFile(Path file, long size) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (out.size() > size) {
            out.truncate(size); // a torn last line from a crash
        }
        out.position(size);
        this.size = size;
    }

    /** Appends lines with one write; returns the new size (the end of the complete lines). */
    long append(List<String> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            size += out.write(buf);
        }
        return size;
    }

    void force() throws IOException {
        out.force(false);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** Counts the complete lines of a file (none if it does not exist) and rebuilds the summary from them. */
    static Scan scan(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new Scan(0, 0, null, null, new Summary());
        }
        long lines = 0;
        long bytes = 0;
        Long lastStep = null;
        Double lastRuntime = null;
        Summary summary = new Summary();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            byte[] line;
            while ((line = readLine(in, Long.MAX_VALUE)) != null) {
                if (line.length == 0 || line[line.length - 1] != '\n') {
                    break; // torn tail
                }
                bytes += line.length;
                lines++;
                try {
                    Map<String, Object> m = Json.readObject(new String(line, 0, line.length - 1, StandardCharsets.UTF_8));
                    if (m.get("_step") instanceof Number n) {
                        lastStep = n.longValue();
                    }
                    if (m.get("_runtime") instanceof Number n) {
                        lastRuntime = n.doubleValue();
                    }
                    summary.addLine(m);
                } catch (RuntimeException e) {
                    // a line we cannot parse is still a line the server counts
                }
            }
        }
        return new Scan(lines, bytes, lastStep, lastRuntime, summary);
    }

    /** The byte offset just after the first {@code lines} complete lines (or the end of the complete lines). */
    static long offsetOfLine(Path file, long lines) throws IOException {
        if (lines <= 0 || !Files.exists(file)) {
            return 0;
        }
        long bytes = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            byte[] line;
            for (long i = 0; i < lines && (line = readLine(in, Long.MAX_VALUE)) != null; i++) {
                if (line[line.length - 1] != '\n') {
                    break;
                }
                bytes += line.length;
            }
        }
        return bytes;
    }

    /**
     * Reads complete lines from {@code fromByte} up to {@code toByte}: at most {@code maxLines} lines and about
     * {@code maxBytes} bytes (always at least one line, if there is one).
     */
    static Chunk read(Path file, long fromByte, long toByte, int maxLines, long maxBytes) throws IOException {
        List<String> lines = new ArrayList<>();
        long pos = fromByte;
        if (toByte <= fromByte) {
            return new Chunk(lines, pos);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(fromByte);
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
            long bytes = 0;
            while (pos < toByte && lines.size() < maxLines) {
                byte[] line = readLine(in, toByte - pos);
                if (line == null || line[line.length - 1] != '\n') {
                    break;
                }
                if (!lines.isEmpty() && bytes + line.length > maxBytes) {
                    break;
                }
                lines.add(new String(line, 0, line.length - 1, StandardCharsets.UTF_8));
                bytes += line.length;
                pos += line.length;
            }
        }
        return new Chunk(lines, pos);
    }

    /** One line with its {@code \n}, or what is left before EOF or the limit; null at EOF. */
    private static byte[] readLine(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        long n = 0;
        int b;
        while (n < limit && (b = in.read()) >= 0) {
            buf.write(b);
            n++;
            if (b == '\n') {
                break;
            }
        }
        return n == 0 ? null : buf.toByteArray();
    }
}
