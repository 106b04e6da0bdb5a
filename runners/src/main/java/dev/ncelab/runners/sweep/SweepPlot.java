package dev.ncelab.runners.sweep;

import dev.ncelab.core.run.AtomicFiles;
import dev.ncelab.runners.sweep.SweepReport.Group;
import dev.ncelab.runners.sweep.SweepSpec.Metric;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * {@code plot.png}: one panel per swept parameter (with at least two values), the metric against the
 * parameter: every finished run as a dot, the mean over the other parameters as a line, ±1 sd as bars and the
 * min–max range as a band. Numeric parameters get a numeric axis (logarithmic when positive and spanning a
 * factor of 50 or more), others evenly spaced categories. Plain Java2D and ImageIO.
 */
final class SweepPlot {
    static final int PANEL_W = 460;
    static final int PANEL_H = 330;
    static final int HEADER = 46;
    private static final int LEFT = 72;
    private static final int RIGHT = 18;
    private static final int TOP = 34;
    private static final int BOTTOM = 48;
    private static final Color MEAN = new Color(31, 86, 168);
    private static final Color BAND = new Color(31, 119, 180, 48);
    private static final Color DOT = new Color(90, 90, 90, 150);
    private static final Color BEST = new Color(214, 39, 40);
    private static final Color GRID = new Color(226, 226, 226);

    private SweepPlot() {}

    /** One panel's data: the parameter and its groups. */
    record Panel(String param, List<Group> groups, boolean numeric, boolean log) {}

    /** The panels worth drawing (parameters with at least two values among the finished points). */
    static List<Panel> panels(SweepPlan plan, List<JobResult> rows) {
        List<Panel> out = new ArrayList<>();
        if (plan.metric() == null) {
            return out;
        }
        for (String p : plan.parameters()) {
            List<Group> groups = SweepReport.groups(rows, p, plan.metric());
            if (groups.size() < 2) {
                continue;
            }
            boolean numeric = groups.stream().allMatch(g -> g.value() instanceof Number);
            boolean log = false;
            if (numeric) {
                double lo = groups.stream().mapToDouble(g -> ((Number) g.value()).doubleValue()).min().orElse(0);
                double hi = groups.stream().mapToDouble(g -> ((Number) g.value()).doubleValue()).max().orElse(0);
                log = lo > 0 && hi / lo >= 50;
            }
            out.add(new Panel(p, groups, numeric, log));
        }
        return out;
    }

    /** Writes the plot; false (and no file) when no parameter has two values among the finished points. */
    static boolean write(Path file, SweepPlan plan, List<JobResult> rows) {
        List<Panel> panels = panels(plan, rows);
        if (panels.isEmpty()) {
            return false;
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        long finished = rows.stream().filter(JobResult::finished).count();
        BufferedImage img = render(plan, panels, finished + " of " + rows.size() + " points finished");
        AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
        return true;
    }

    static BufferedImage render(SweepPlan plan, List<Panel> panels, String count) {
        Metric metric = plan.metric();
        int cols = Math.min(3, panels.size());
        int rowsN = (panels.size() + cols - 1) / cols;
        String title = "sweep " + plan.name() + ": " + metric.name() + " (" + (metric.goal() == SweepSpec.Goal.MINIMIZE
                ? "lower" : "higher") + " is better), " + count;
        String legend = "line: mean over the other parameters; bars: +-1 sd; band: min-max; dots: runs; red ring: "
                + "best mean";
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 16);
        Font legendFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        Graphics2D probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        int textWidth = Math.max(probe.getFontMetrics(titleFont).stringWidth(title),
                probe.getFontMetrics(legendFont).stringWidth(legend)) + 24;
        probe.dispose();
        int width = Math.max(cols * PANEL_W, textWidth);
        BufferedImage img = new BufferedImage(width, HEADER + rowsN * PANEL_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(titleFont);
        g.drawString(title, 12, 22);
        g.setFont(legendFont);
        g.setColor(Color.DARK_GRAY);
        g.drawString(legend, 12, 39);
        int offset = (width - cols * PANEL_W) / 2;
        for (int i = 0; i < panels.size(); i++) {
            int x0 = offset + (i % cols) * PANEL_W;
            int y0 = HEADER + (i / cols) * PANEL_H;
            panel(g, panels.get(i), metric, x0, y0);
        }
        g.dispose();
        return img;
    }

    private static void panel(Graphics2D g, Panel panel, Metric metric, int x0, int y0) {
        int px = x0 + LEFT;
        int py = y0 + TOP;
        int pw = PANEL_W - LEFT - RIGHT;
        int ph = PANEL_H - TOP - BOTTOM;
        List<Group> groups = panel.groups();
        // the axis spans the runs (sd bars beyond them are clipped: an mse axis should not go below 0)
        double ylo = groups.stream().mapToDouble(Group::min).min().orElse(0);
        double yhi = groups.stream().mapToDouble(Group::max).max().orElse(1);
        double margin = 0.04 * (yhi - ylo);
        ylo -= margin;
        yhi += margin;
        if (ylo == yhi) {
            double pad = ylo == 0 ? 1 : Math.abs(ylo) * 0.1;
            ylo -= pad;
            yhi += pad;
        }
        double[] yTicks = ticks(ylo, yhi, 5);
        double ymin = ylo;
        double ymax = yhi;
        double[] xs = new double[groups.size()];
        double xmin;
        double xmax;
        if (panel.numeric()) {
            for (int i = 0; i < xs.length; i++) {
                double v = ((Number) groups.get(i).value()).doubleValue();
                xs[i] = panel.log() ? Math.log10(v) : v;
            }
            double span = xs[xs.length - 1] - xs[0];
            xmin = xs[0] - 0.06 * span;
            xmax = xs[xs.length - 1] + 0.06 * span;
        } else {
            for (int i = 0; i < xs.length; i++) {
                xs[i] = i;
            }
            xmin = -0.5;
            xmax = xs.length - 0.5;
        }
        java.util.function.DoubleUnaryOperator sx = v -> px + (v - xmin) / (xmax - xmin) * pw;
        java.util.function.DoubleUnaryOperator sy = v -> py + ph - (v - ymin) / (ymax - ymin) * ph;

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (double t : yTicks) {
            if (t < ymin || t > ymax) {
                continue;
            }
            int y = (int) Math.round(sy.applyAsDouble(t));
            g.setColor(GRID);
            g.drawLine(px, y, px + pw, y);
            g.setColor(Color.DARK_GRAY);
            String label = YamlValues.compact(t);
            g.drawString(label, px - 6 - fm.stringWidth(label), y + 4);
        }
        boolean fewX = groups.size() <= 10;
        List<double[]> xTicks = new ArrayList<>(); // {position, label source}
        if (!panel.numeric() || fewX) {
            for (int i = 0; i < xs.length; i++) {
                xTicks.add(new double[] {xs[i], i});
            }
        } else {
            for (double t : ticks(xs[0], xs[xs.length - 1], 6)) {
                xTicks.add(new double[] {t, -1});
            }
        }
        int lastRight = Integer.MIN_VALUE;
        for (double[] t : xTicks) {
            int x = (int) Math.round(sx.applyAsDouble(t[0]));
            if (x < px - 1 || x > px + pw + 1) {
                continue;
            }
            g.setColor(GRID);
            g.drawLine(x, py, x, py + ph);
            String label = t[1] >= 0 ? YamlValues.display(groups.get((int) t[1]).value())
                    : YamlValues.compact(panel.log() ? Math.pow(10, t[0]) : t[0]);
            if (label.length() > 14) {
                label = label.substring(0, 13) + "~";
            }
            int w = fm.stringWidth(label);
            if (x - w / 2 > lastRight + 4) {
                g.setColor(Color.DARK_GRAY);
                g.drawString(label, x - w / 2, py + ph + 15);
                lastRight = x + w / 2;
            }
        }
        g.setColor(Color.GRAY);
        g.drawRect(px, py, pw, ph);

        boolean spread = groups.stream().anyMatch(gr -> gr.n() > 1);
        java.awt.Shape clip = g.getClip();
        g.clipRect(px, py, pw + 1, ph + 1);
        if (spread && xs.length > 1) {
            Path2D band = new Path2D.Double();
            for (int i = 0; i < xs.length; i++) {
                double x = sx.applyAsDouble(xs[i]);
                double y = sy.applyAsDouble(groups.get(i).max());
                if (i == 0) {
                    band.moveTo(x, y);
                } else {
                    band.lineTo(x, y);
                }
            }
            for (int i = xs.length - 1; i >= 0; i--) {
                band.lineTo(sx.applyAsDouble(xs[i]), sy.applyAsDouble(groups.get(i).min()));
            }
            band.closePath();
            g.setColor(BAND);
            g.fill(band);
        }
        g.setColor(spread ? DOT : MEAN);
        double r = spread ? 2.5 : 3.5;
        for (int i = 0; i < xs.length; i++) {
            for (double v : groups.get(i).all()) {
                double x = sx.applyAsDouble(xs[i]);
                double y = sy.applyAsDouble(v);
                g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
            }
        }
        if (spread) {
            g.setColor(MEAN);
            g.setStroke(new BasicStroke(1.5f));
            for (int i = 0; i < xs.length; i++) {
                Group gr = groups.get(i);
                if (gr.n() < 2) {
                    continue;
                }
                int x = (int) Math.round(sx.applyAsDouble(xs[i]));
                int ya = (int) Math.round(sy.applyAsDouble(gr.mean() - gr.sd()));
                int yb = (int) Math.round(sy.applyAsDouble(gr.mean() + gr.sd()));
                g.drawLine(x, ya, x, yb);
                g.drawLine(x - 4, ya, x + 4, ya);
                g.drawLine(x - 4, yb, x + 4, yb);
            }
            g.setStroke(new BasicStroke(2f));
            Path2D line = new Path2D.Double();
            for (int i = 0; i < xs.length; i++) {
                double x = sx.applyAsDouble(xs[i]);
                double y = sy.applyAsDouble(groups.get(i).mean());
                if (i == 0) {
                    line.moveTo(x, y);
                } else {
                    line.lineTo(x, y);
                }
            }
            if (panel.numeric()) {
                g.draw(line);
            }
            int best = 0;
            for (int i = 0; i < xs.length; i++) {
                double x = sx.applyAsDouble(xs[i]);
                double y = sy.applyAsDouble(groups.get(i).mean());
                g.setColor(MEAN);
                g.fill(new Ellipse2D.Double(x - 4, y - 4, 8, 8));
                if (metric.goal().better(groups.get(i).mean(), groups.get(best).mean())) {
                    best = i;
                }
            }
            g.setColor(BEST);
            g.setStroke(new BasicStroke(2f));
            g.draw(new Ellipse2D.Double(sx.applyAsDouble(xs[best]) - 8, sy.applyAsDouble(groups.get(best).mean()) - 8,
                    16, 16));
        }
        g.setClip(clip);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        String title = metric.name() + " vs " + panel.param() + (panel.log() ? " (log axis)" : "");
        g.drawString(title, px + (pw - g.getFontMetrics().stringWidth(title)) / 2, py - 10);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        String xl = panel.param();
        g.drawString(xl, px + (pw - g.getFontMetrics().stringWidth(xl)) / 2, py + ph + 34);
        Graphics2D rot = (Graphics2D) g.create();
        rot.rotate(-Math.PI / 2);
        String yl = metric.name();
        rot.drawString(yl, -(py + ph / 2 + rot.getFontMetrics().stringWidth(yl) / 2), x0 + 14);
        rot.dispose();
    }

    /** About {@code n} round tick values covering [lo, hi]. */
    static double[] ticks(double lo, double hi, int n) {
        if (!(hi > lo)) {
            return new double[] {lo};
        }
        double raw = (hi - lo) / n;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= raw) {
                step = m * mag;
                break;
            }
        }
        double start = Math.floor(lo / step) * step;
        List<Double> out = new ArrayList<>();
        for (double t = start; t <= hi + step * 0.5 && out.size() < 50; t += step) {
            double r = Double.parseDouble(String.format(Locale.ROOT, "%.12g", t));
            out.add(r);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
