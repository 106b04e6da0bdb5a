package dev.ncelab.plugins.wandb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An image logged as W&B media (§4 of the protocol notes): stored under the run's files as
 * {@code media/images/<key>_<step>_<sha256[:20]>.<ext>} (locally in {@code <run>/wandb/media/images/}) and
 * referenced from a history line by an {@code image-file} object.
 *
 * @param path the run-relative path, with {@code /}
 */
record MediaFile(String path, String sha256, long size, String format, Integer width, Integer height) {

    /** The typed object a history line holds under the media's key. */
    Map<String, Object> reference() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("_type", "image-file");
        m.put("path", path);
        m.put("sha256", sha256);
        m.put("size", size);
        m.put("format", format);
        if (width != null && height != null) {
            m.put("width", width);
            m.put("height", height);
        }
        return m;
    }

    /** Copies {@code source} into {@code wandbDir} under its media path and describes it. */
    static MediaFile store(Path source, String key, long step, Path wandbDir) throws IOException {
        byte[] bytes = Files.readAllBytes(source);
        String sha = sha256(bytes);
        String name = source.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String format = dot >= 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "png";
        String path = "media/images/" + key.replaceAll("[^A-Za-z0-9_.-]", "_") + "_" + step + "_" + sha.substring(0, 20)
                + "." + format;
        Path target = wandbDir.resolve(path);
        if (!Files.exists(target)) {
            dev.ncelab.core.run.AtomicFiles.write(target, out -> out.write(bytes));
        }
        Integer w = null;
        Integer h = null;
        if (bytes.length >= 24 && bytes[0] == (byte) 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G'
                && bytes[12] == 'I' && bytes[13] == 'H' && bytes[14] == 'D' && bytes[15] == 'R') {
            ByteBuffer b = ByteBuffer.wrap(bytes, 16, 8);
            w = b.getInt();
            h = b.getInt();
        }
        return new MediaFile(path, sha, bytes.length, format, w, h);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
