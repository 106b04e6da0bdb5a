package dev.ncelab.plugins.report;

import dev.ncelab.core.run.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The viridis copy of a density plot: every pixel whose colour is one of the jet colours that {@code
 * DensityPlot} paints is read back to its value t in [0, 1] and repainted with viridis(t); titles, background
 * and anything else keep their colour. Done in Java when the page is built, because a page opened from disk
 * cannot read its images' pixels in the browser (a file: image taints a canvas).
 */
public final class Viridis {
    /** Where the copies go, relative to the plots folder. */
    public static final String FOLDER = "viridis";

    /** Jet's quantised colours (as {@code DensityPlot.jet} writes them) to their mean value. */
    private static final Map<Integer, Double> JET_INVERSE = jetInverse();

    private Viridis() {}

    /**
     * Viridis (matplotlib's default map, van der Walt and Smith) as a degree-6 polynomial per channel, a
     * least-squares fit of the 256-entry table; within 0.01 of it (checked in the tests at the table's anchor
     * colours).
     */
    public static int rgb(double t) {
        t = Math.max(0, Math.min(1, t));
        double r = poly(t, 0.2777273272234177, 0.1050930431085774, -0.3308618287255563, -4.634230498983486,
                6.228269936347081, 4.776384997670288, -5.435455855934631);
        double g = poly(t, 0.005407344544966578, 1.404613529898575, 0.214847559468213, -5.799100973351585,
                14.17993336680509, -13.74514537774601, 4.645852612178535);
        double b = poly(t, 0.3340998053353061, 1.384590162594685, 0.09509516302823659, -19.33244095627987,
                56.69055260068105, -65.35303263337234, 26.3124352495832);
        return (channel(r) << 16) | (channel(g) << 8) | channel(b);
    }

    private static double poly(double t, double... c) {
        double v = 0;
        for (int i = c.length - 1; i >= 0; i--) {
            v = v * t + c[i];
        }
        return v;
    }

    private static int channel(double v) {
        return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }

    /** Matplotlib's jet as {@code DensityPlot} paints it (the same truncation to 8 bits). */
    static int jet(double t) {
        double r = clamp(1.5 - Math.abs(4 * t - 3));
        double g = clamp(1.5 - Math.abs(4 * t - 2));
        double b = clamp(1.5 - Math.abs(4 * t - 1));
        return ((int) (r * 255) << 16) | ((int) (g * 255) << 8) | (int) (b * 255);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static Map<Integer, Double> jetInverse() {
        int n = 1 << 14;
        Map<Integer, double[]> sums = new HashMap<>();
        for (int i = 0; i <= n; i++) {
            double t = (double) i / n;
            double[] s = sums.computeIfAbsent(jet(t), k -> new double[2]);
            s[0] += t;
            s[1]++;
        }
        Map<Integer, Double> out = new HashMap<>();
        sums.forEach((c, s) -> out.put(c, s[0] / s[1]));
        return out;
    }

    /** The value jet painted as {@code rgb}, or NaN when {@code rgb} is not a jet colour. */
    static double jetValue(int rgb) {
        Double t = JET_INVERSE.get(rgb & 0xffffff);
        return t == null ? Double.NaN : t;
    }

    /** The image with jet's colours replaced by viridis (a new image). */
    public static BufferedImage remap(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Map<Integer, Integer> cache = new HashMap<>();
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int c = src.getRGB(x, y) & 0xffffff;
                out.setRGB(x, y, cache.computeIfAbsent(c, k -> {
                    double t = jetValue(k);
                    return Double.isNaN(t) ? k : rgb(t);
                }));
            }
        }
        return out;
    }

    /** The copy's path for a plot {@code plots/epoch_001.png}: {@code plots/viridis/epoch_001.png}. */
    public static Path copyOf(Path plot) {
        return plot.resolveSibling(FOLDER).resolve(plot.getFileName());
    }

    /** Writes the viridis copy of a density plot (atomically). */
    public static void writeCopy(Path plot) {
        BufferedImage img;
        try {
            img = ImageIO.read(plot.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + plot + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new UncheckedIOException(new IOException(plot + " is not an image ImageIO can read"));
        }
        BufferedImage v = remap(img);
        AtomicFiles.write(copyOf(plot), out -> {
            if (!ImageIO.write(v, "png", out)) {
                throw new IOException("no PNG writer");
            }
        });
    }

    /** Writes the copies that are missing or older than their plot (older runs, {@code ncelab report}). */
    public static int updateCopies(Path plotsDir) {
        if (!Files.isDirectory(plotsDir)) {
            return 0;
        }
        int n = 0;
        try (Stream<Path> s = Files.list(plotsDir)) {
            for (Path p : s.filter(RunData::isEpochPlot).sorted().toList()) {
                Path c = copyOf(p);
                if (!Files.exists(c) || Files.getLastModifiedTime(c).compareTo(Files.getLastModifiedTime(p)) < 0) {
                    writeCopy(p);
                    n++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + plotsDir + ": " + e.getMessage(), e);
        }
        return n;
    }
}
