package dev.ncelab.runners.testplugins;

import dev.ncelab.core.plugin.Plugin;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.config.Param;
import dev.ncelab.core.math.Scalars;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.NoiseSample;
import dev.ncelab.core.model.ParameterSet;
import dev.ncelab.core.plugin.PluginContext;
import java.util.Random;

/** A test-only noise, N(0, 4I), whose log-density turns NaN after a number of calls: to test divergence. */
public final class NanNoisePlugin implements Plugin<NanNoisePlugin.Config, NoiseModel> {
    /** {@code noise: {type: test-nan, nan_after: 100}}. */
    public record Config(@Param(doc = "logProb calls before NaN (-1: never)", value = "-1") int nanAfter) {}

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public String doc() {
        return "test only: N(0, 4I) whose density turns NaN after nan_after calls";
    }

    @Override
    public NoiseModel create(Config config, PluginContext context) {
        int d = context.dimension();
        ParameterSet none = new ParameterSet(context.manager());
        return new NoiseModel() {
            int calls;

            @Override
            public int dimension() {
                return d;
            }

            @Override
            public ParameterSet parameters() {
                return none;
            }

            @Override
            public NDArray logProb(NDArray x) {
                NDArray lq = Scalars.mul(x.square().sum(new int[] {1}), -0.125f)
                        .add((float) (-0.5 * d * Math.log(8 * Math.PI)));
                calls++;
                return config.nanAfter() >= 0 && calls > config.nanAfter() ? Scalars.mul(lq, Float.NaN) : lq;
            }

            @Override
            public NoiseSample sample(NDManager manager, int n, Random random) {
                float[] z = new float[n * d];
                for (int i = 0; i < z.length; i++) {
                    z[i] = (float) (2 * random.nextGaussian());
                }
                NDArray x = manager.create(z, new Shape(n, d));
                return new NoiseSample(x, Scalars.mul(x.square().sum(new int[] {1}), -0.125f)
                        .add((float) (-0.5 * d * Math.log(8 * Math.PI))));
            }
        };
    }

    /** Registers the test plugins. */
    public static final class Module extends dev.ncelab.core.plugin.PluginModule {
        @Override
        protected void configure() {
            noise("test-nan", NanNoisePlugin.class);
        }
    }
}
