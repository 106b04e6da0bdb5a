package dev.ncelab.core.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Side-by-side panels of values on a square grid, in the reference's jet colormap on a dark-blue background,
 * in math orientation (y up, unlike the reference's flipped axis).
 */
public final class DensityPlot {
    static final int TITLE = 26;
    static final int GAP = 6;

    private DensityPlot() {}

    /**
     * One panel.
     *
     * @param values n x n values, index {@code ix * n + iy} (x outer, y inner), each scaled to its own maximum
     */
    public record Panel(String title, double[] values, int n) {}

    public static BufferedImage render(List<Panel> panels) {
        int n = panels.get(0).n();
        int width = panels.size() * n + (panels.size() + 1) * GAP;
        BufferedImage img = new BufferedImage(width, n + TITLE + GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        for (int p = 0; p < panels.size(); p++) {
            Panel panel = panels.get(p);
            int x0 = GAP + p * (n + GAP);
            double max = 0;
            for (double v : panel.values()) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
            for (int ix = 0; ix < n; ix++) {
                for (int iy = 0; iy < n; iy++) {
                    double v = panel.values()[ix * n + iy];
                    double t = max > 0 && Double.isFinite(v) ? Math.max(0, Math.min(1, v / max)) : 0;
                    img.setRGB(x0 + ix, TITLE + (n - 1 - iy), jet(t));
                }
            }
            g.setColor(Color.BLACK);
            int w = g.getFontMetrics().stringWidth(panel.title());
            g.drawString(panel.title(), x0 + (n - w) / 2, TITLE - 8);
        }
        g.dispose();
        return img;
    }

    public static void write(Path file, List<Panel> panels) {
        BufferedImage img = render(panels);
        dev.ncelab.core.run.AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer");
            }
        });
    }

    /** Matplotlib's jet: dark blue (0) through cyan, yellow, to dark red (1). */
    static int jet(double t) {
        double r = clamp(1.5 - Math.abs(4 * t - 3));
        double g = clamp(1.5 - Math.abs(4 * t - 2));
        double b = clamp(1.5 - Math.abs(4 * t - 1));
        return ((int) (r * 255) << 16) | ((int) (g * 255) << 8) | (int) (b * 255);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    /** A 2-D histogram of points (rows of x, y) on the grid of a box: counts, index {@code ix * n + iy}. */
    public static double[] histogram(float[] xy, int n, double xMin, double xMax, double yMin, double yMax) {
        double[] h = new double[n * n];
        for (int i = 0; i + 1 < xy.length; i += 2) {
            int ix = (int) Math.floor((xy[i] - xMin) / (xMax - xMin) * n);
            int iy = (int) Math.floor((xy[i + 1] - yMin) / (yMax - yMin) * n);
            if (ix >= 0 && ix < n && iy >= 0 && iy < n) {
                h[ix * n + iy]++;
            }
        }
        return h;
    }

}
