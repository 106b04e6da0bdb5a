package dev.ncelab.plugins.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ncelab.core.run.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One self-contained HTML page: the charting library (uPlot, from its WebJar on the class path) and the page's
 * own script and style inlined, the data as a JSON block, and a Content-Security-Policy that forbids every
 * load except the page's own inline code and images from disk, so the page makes no network request.
 */
final class Page {
    /** Only inline code; images from files beside the page or data: URLs; nothing else, from nowhere. */
    static final String CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            + "img-src 'self' file: data:; base-uri 'none'; form-action 'none'";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ASSETS = new ConcurrentHashMap<>();

    private Page() {}

    /** The page: {@code body} is trusted HTML (built with {@link #esc}); {@code model} goes in as JSON. */
    static String html(String title, String kind, String body, Object model, boolean refresh) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
        sb.append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CSP).append("\">\n");
        sb.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        if (refresh) {
            sb.append("<meta http-equiv=\"refresh\" content=\"60\">\n");
        }
        sb.append("<title>").append(esc(title)).append("</title>\n");
        sb.append("<style>").append(asset(uplot("uPlot.min.css"))).append("</style>\n");
        sb.append("<style>").append(asset("dev/ncelab/plugins/report/report.css")).append("</style>\n");
        sb.append("</head><body class=\"").append(kind).append("\">\n");
        sb.append(body);
        sb.append("\n<script id=\"model\" type=\"application/json\">").append(json(model)).append("</script>\n");
        sb.append("<script>").append(script(asset(uplot("uPlot.iife.min.js")))).append("</script>\n");
        sb.append("<script>").append(script(asset("dev/ncelab/plugins/report/report.js"))).append("</script>\n");
        sb.append("</body></html>\n");
        return sb.toString();
    }

    static void write(Path file, String html) {
        AtomicFiles.writeString(file, html);
    }

    /** The path of a uPlot file inside its WebJar (the version from the jar's Maven properties). */
    static String uplot(String file) {
        Properties p = new Properties();
        try (InputStream in = Page.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the uPlot WebJar is not on the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "META-INF/resources/webjars/uplot/" + p.getProperty("version") + "/dist/" + file;
    }

    static String asset(String path) {
        return ASSETS.computeIfAbsent(path, k -> {
            try (InputStream in = Page.class.getClassLoader().getResourceAsStream(k)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + k);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Inline script text; a closing tag inside it would end the element early. */
    private static String script(String js) {
        if (js.toLowerCase(Locale.ROOT).contains("</script")) {
            throw new IllegalStateException("an inlined script contains </script");
        }
        return js;
    }

    /** JSON safe inside a script element: {@code </} and {@code <!--} escaped (only strings can hold them). */
    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value).replace("</", "<\\/").replace("<!--", "<\\u0021--");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String esc(Object o) {
        String s = String.valueOf(o);
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A number for a table: integers as they are, others with 5 significant digits; other values as text. */
    static String fmt(Object v) {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                return Double.toString(d);
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e9) {
                return Long.toString((long) d);
            }
            return String.format(Locale.ROOT, "%.5g", d).replaceAll("(\\.\\d*?)0+($|e)", "$1$2").replace(".e", "e")
                    .replaceAll("\\.$", "");
        }
        return v == null ? "" : v.toString();
    }

    /** A relative link from a page in {@code from} to {@code to}, with forward slashes. */
    static String href(Path from, Path to) {
        Path rel = from.toAbsolutePath().normalize().relativize(to.toAbsolutePath().normalize());
        return rel.toString().replace('\\', '/');
    }
}
