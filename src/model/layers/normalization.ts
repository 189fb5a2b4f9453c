import type { Shape } from '../tfjs.js';
import { firstShape } from '../../core/shapes.js';
import { KerasLayer } from './keras-layer.js';

function axisSizes(shape: Shape, axis: unknown): number[] {
  const axes = (Array.isArray(axis) ? axis : [axis]) as number[];
  return axes.map((a) => shape[a < 0 ? shape.length + a : a] as number);
}

/** Keras's GroupNormalization: gamma and beta per channel (center, scale); channels must divide into groups. */
export class GroupNormalization extends KerasLayer {
  static className = 'GroupNormalization';
  static override defaults = { groups: 32, axis: -1, epsilon: 1e-3, center: true, scale: true };

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return firstShape(inputShape);
  }

  override build(inputShape: Shape | Shape[]): void {
    const [channels] = axisSizes(firstShape(inputShape), this.args.axis);
    const groups = this.args.groups as number;
    if (channels % groups !== 0 || groups > channels) {
      throw new Error(`GroupNormalization: ${channels} channels cannot be split into ${groups} groups`);
    }
    if (this.args.scale) this.addParams('gamma', [channels]);
    if (this.args.center) this.addParams('beta', [channels]);
    super.build(inputShape);
  }
}

/** Keras's UnitNormalization: scales to unit L2 norm along the axis; no weights. */
export class UnitNormalization extends KerasLayer {
  static className = 'UnitNormalization';
  static override defaults = { axis: -1 };

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return firstShape(inputShape);
  }
}

/**
 * Keras 3's Normalization: without a given mean and variance it keeps both,
 * adapted, as non-trainable weights of the axis' size, and a scalar count of
 * the samples seen (2 x 32 + 1 = 65 for 32 channels, as Keras 3.15 counts).
 */
export class Normalization extends KerasLayer {
  static className = 'Normalization';
  static override defaults = { axis: -1, mean: null, variance: null, invert: false };

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return firstShape(inputShape);
  }

  override build(inputShape: Shape | Shape[]): void {
    if (this.args.mean === null) {
      const shape = this.args.axis === null ? [] : axisSizes(firstShape(inputShape), this.args.axis);
      this.addParams('mean', shape, false);
      this.addParams('variance', shape, false);
      this.addParams('count', [], false);
    }
    super.build(inputShape);
  }
}
