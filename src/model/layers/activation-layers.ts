import { tfc, tfjsLayerClass, type Tensor } from '../tfjs.js';
import { onlyTensor } from './core.js';

/**
 * Keras 3's activation layers where tfjs's differ: the argument names Keras 3
 * uses, Keras's refusals of impossible values (in its words, from Keras
 * 3.15's layers/activations/), and ELU's alpha, which tfjs refuses. None
 * changes a shape or has a weight.
 */

type Args = Record<string, unknown>;

/** Python's repr of a number argument in Keras's messages. */
const shown = (value: unknown) => (value === null || value === undefined ? 'None' : String(value));

const TfjsLeakyReLU = tfjsLayerClass('LeakyReLU');

/** LeakyReLU: Keras 3's negative_slope, or Keras 2's alpha (which Keras 3 still reads); never negative. */
export class LeakyReLU extends TfjsLeakyReLU {
  static className = 'LeakyReLU';

  constructor(args: Args = {}) {
    const { negativeSlope, alpha, ...rest } = args;
    const slope = alpha !== undefined ? alpha : negativeSlope === undefined ? 0.3 : negativeSlope;
    if (typeof slope !== 'number' || slope < 0) {
      throw new Error(`The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a float. Received: negative_slope=${shown(slope)}`);
    }
    super({ ...rest, alpha: slope });
  }

  /** Both spellings, so that a spec's alpha is read (and checked) like negative_slope. */
  override getConfig() {
    const config = super.getConfig() as Args;
    return { ...config, negativeSlope: config.alpha } as never;
  }
}

const TfjsReLU = tfjsLayerClass('ReLU');

/** ReLU: max_value, negative_slope and threshold, none negative. */
export class ReLU extends TfjsReLU {
  static className = 'ReLU';
  private readonly negativeSlope: number;
  private readonly threshold: number;

  constructor(args: Args = {}) {
    const { negativeSlope = 0, threshold = 0, ...rest } = args;
    const maxValue = rest.maxValue;
    if (maxValue !== undefined && maxValue !== null && (maxValue as number) < 0) {
      throw new Error(`max_value of a ReLU layer cannot be a negative value. Received: max_value=${shown(maxValue)}`);
    }
    if (negativeSlope === null || (negativeSlope as number) < 0) {
      throw new Error(`negative_slope of a ReLU layer cannot be None or a negative value. Received: negative_slope=${shown(negativeSlope)}`);
    }
    if (threshold === null || (threshold as number) < 0) {
      throw new Error(`threshold of a ReLU layer cannot be None or a negative value. Received: threshold=${shown(threshold)}`);
    }
    super(rest);
    this.negativeSlope = negativeSlope as number;
    this.threshold = threshold as number;
  }

  override getConfig() {
    return { ...(super.getConfig() as Args), negativeSlope: this.negativeSlope, threshold: this.threshold } as never;
  }
}

const TfjsELU = tfjsLayerClass('ELU');

/** ELU with any alpha (tfjs builds only alpha = 1): x for x > 0, alpha × (exp(x) − 1) below. */
export class ELU extends TfjsELU {
  static className = 'ELU';
  private readonly scale: number;

  constructor(args: Args = {}) {
    const { alpha = 1, ...rest } = args;
    super(rest);
    this.scale = alpha as number;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = onlyTensor(inputs);
    return tfc.tidy(() => tfc.where(tfc.greater(x, 0), x, tfc.mul(tfc.sub(tfc.exp(x), 1), this.scale)));
  }

  override getConfig() {
    return { ...(super.getConfig() as Args), alpha: this.scale } as never;
  }
}
