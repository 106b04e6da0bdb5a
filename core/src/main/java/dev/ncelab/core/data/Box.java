package dev.ncelab.core.data;

/** An axis-aligned rectangle of the plane: the plotting window and the quadrature domain of 2-D data. */
public record Box(double xMin, double xMax, double yMin, double yMax) {
    /** The reference window [-4, 4]^2. */
    public static final Box REFERENCE = new Box(-4, 4, -4, 4);

    public double area() {
        return (xMax - xMin) * (yMax - yMin);
    }
}
