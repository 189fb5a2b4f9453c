import { isRegistered, registerClass, tfc, type Tensor } from '../tfjs.js';

/**
 * Keras 3 activations tfjs lacks, under the names tfjs looks them up by (it
 * camel-cases Keras's: leaky_relu -> leakyRelu). An activation never changes
 * a shape, but an unknown name stops tfjs from building the layer at all.
 */
const ACTIVATIONS: Record<string, (x: Tensor) => Tensor> = {
  silu: (x) => tfc.mul(x, tfc.sigmoid(x)),
  leakyRelu: (x) => tfc.leakyRelu(x, 0.2),
  hardSilu: (x) => tfc.mul(x, tfc.div(tfc.relu6(tfc.add(x, 3)), 6)),
  hardSwish: (x) => tfc.mul(x, tfc.div(tfc.relu6(tfc.add(x, 3)), 6)),
  exponential: (x) => tfc.exp(x),
  logSigmoid: (x) => tfc.logSigmoid(x),
  hardTanh: (x) => tfc.clipByValue(x, -1, 1),
};

export function registerKerasActivations(): void {
  for (const [name, apply] of Object.entries(ACTIVATIONS)) {
    if (isRegistered(name)) continue;
    const activation = class extends tfc.serialization.Serializable {
      static className = name;
      apply(x: Tensor): Tensor {
        return tfc.tidy(() => apply(x));
      }
      getConfig() {
        return {};
      }
    };
    registerClass(activation);
  }
}
