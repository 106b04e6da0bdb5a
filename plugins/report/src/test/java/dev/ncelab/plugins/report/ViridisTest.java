package dev.ncelab.plugins.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncelab.core.plot.DensityPlot;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The viridis copy: the map itself, and the remap of a density plot's jet pixels only. */
class ViridisTest {
    static int distance(int a, int b) {
        return Math.max(Math.abs((a >> 16 & 255) - (b >> 16 & 255)), Math.max(Math.abs((a >> 8 & 255) - (b >> 8 & 255)),
                Math.abs((a & 255) - (b & 255))));
    }

    @Test
    void theMapMatchesMatplotlibsViridisAtItsAnchorColours() {
        // matplotlib's viridis at 0, 1/4, 1/2, 3/4 and 1 (its 5-colour palette): #440154 #3b528b #21918c #5ec962
        // #fde725. The polynomial fit is within 0.01 of the table (3 of 255 levels), plus rounding: 4.
        int[] anchors = {0x440154, 0x3b528b, 0x21918c, 0x5ec962, 0xfde725};
        for (int i = 0; i < anchors.length; i++) {
            int got = Viridis.rgb(i / 4.0);
            assertTrue(distance(got, anchors[i]) <= 4, String.format("t=%.2f: %06x vs %06x", i / 4.0, got, anchors[i]));
        }
    }

    @Test
    void everyJetPixelBecomesViridisOfItsValueAndTheTitlesStay() {
        int n = 64;
        double[] v = new double[n * n];
        for (int ix = 0; ix < n; ix++) {
            for (int iy = 0; iy < n; iy++) {
                v[ix * n + iy] = (double) ix / (n - 1);
            }
        }
        BufferedImage jet = DensityPlot.render(List.of(new DensityPlot.Panel("Data", v, n)));
        BufferedImage vir = Viridis.remap(jet);
        int x0 = 6;
        int top = 26; // DensityPlot's gap and title height
        for (int ix = 0; ix < n; ix++) {
            int expected = Viridis.rgb((double) ix / (n - 1));
            int got = vir.getRGB(x0 + ix, top + n / 2) & 0xffffff;
            // jet's 8-bit channels pin t to within about 1/1000; viridis moves under 2 levels per 1/255: 2 levels
            assertTrue(distance(got, expected) <= 2, String.format("x=%d: %06x vs %06x", ix, got, expected));
        }
        int changedOutside = 0;
        for (int y = 0; y < top; y++) {
            for (int x = 0; x < jet.getWidth(); x++) {
                if (jet.getRGB(x, y) != vir.getRGB(x, y)) {
                    changedOutside++;
                }
            }
        }
        assertEquals(0, changedOutside, "white background and the black, anti-aliased title are not jet colours");
        assertTrue(Double.isNaN(Viridis.jetValue(0x000000)) && Double.isNaN(Viridis.jetValue(0xffffff)));
        assertEquals(0.0, Viridis.jetValue(Viridis.jet(0)), 1.0 / 255);
        assertEquals(1.0, Viridis.jetValue(Viridis.jet(1)), 1.0 / 255);
    }
}
