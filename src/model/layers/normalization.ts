import { firstShape } from '../../core/shapes.js';
import { LayerBase, tfjsLayerClass, WrapperBase, type Layer, type LayerVariable, type Shape, type Tensor } from '../tfjs.js';
import { kerasClassName } from '../keras-class.js';
import { fullyDefined } from './einsum-dense.js';
import { addKerasWeight, KerasLayer } from './keras-layer.js';

/** A shape as Python prints a tuple: (None, 8) or (5,). */
const pyShape = (shape: Shape) => `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;

/** An axis argument as a list: one axis, or several. */
const axisList = (axis: unknown): number[] => (Array.isArray(axis) ? (axis as number[]) : [axis as number]);

/** The sizes of a shape at the given axes (negative from the end), sorted as Keras sorts them. */
function sizesAt(shape: Shape, axes: number[]): Shape {
  return axes
    .map((a) => (a < 0 ? shape.length + a : a))
    .sort((a, b) => a - b)
    .map((a) => shape[a]);
}

/** Keras's check of LayerNormalization's and RMSNormalization's axes: each an axis of the input. */
function checkAxes(shape: Shape, axis: unknown): void {
  for (const a of axisList(axis)) {
    if (a >= shape.length || a < -shape.length) throw new Error(`Axis ${a} is out of bounds for input shape ${pyShape(shape)}. Received: axis=${JSON.stringify(axis)}`);
  }
}

/**
 * Keras's GroupNormalization: gamma and beta per channel (center, scale);
 * the channels must divide into the groups, and groups=-1 makes a group of
 * every channel (instance normalization).
 */
export class GroupNormalization extends KerasLayer {
  static className = 'GroupNormalization';
  static override defaults = { groups: 32, axis: -1, epsilon: 1e-3, center: true, scale: true };

  protected override validate(): void {
    const groups = this.args.groups;
    if (!Number.isInteger(groups) || ((groups as number) <= 0 && groups !== -1)) {
      throw new Error(`Received an invalid value for argument \`groups\`, expected a positive integer value. Received: groups=${JSON.stringify(groups)}`);
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return firstShape(inputShape);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstShape(inputShape);
    const axis = this.args.axis as number;
    checkAxes(shape, axis);
    const channels = shape[axis < 0 ? shape.length + axis : axis];
    if (channels === null) {
      throw new Error(`Axis ${axis} of input tensor should have a defined dimension but the layer received an input with shape ${pyShape(shape)}.`);
    }
    const groups = this.args.groups === -1 ? channels : (this.args.groups as number);
    if (channels < groups) throw new Error(`Number of groups (${groups}) cannot be more than the number of channels (${channels}).`);
    // Keras's words, which have the divisibility the wrong way round.
    if (channels % groups !== 0) throw new Error(`Number of groups (${groups}) must be a multiple of the number of channels (${channels}).`);
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
 * Keras's RMSNormalization: a trainable scale over the normalized axes
 * (the last by default; several axes give a scale of their sizes, sorted).
 */
export class RMSNormalization extends KerasLayer {
  static className = 'RMSNormalization';
  static override defaults = { axis: -1, epsilon: 1e-6 };

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    checkAxes(shape, this.args.axis);
    return shape;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstShape(inputShape);
    checkAxes(shape, this.args.axis);
    this.addParams('scale', sizesAt(shape, axisList(this.args.axis)) as number[]);
    super.build(inputShape);
  }
}

/**
 * Keras 3's Normalization: without a given mean and variance it keeps both,
 * adapted, as non-trainable weights over the kept axes (sorted; none for
 * axis=None, which Keras 3 writes as []), and a scalar count of the samples
 * seen (2 x 32 + 1 = 65 for 32 channels, as Keras 3.15 counts).
 */
export class Normalization extends KerasLayer {
  static className = 'Normalization';
  static override defaults = { axis: -1, mean: null, variance: null, invert: false };

  constructor(config: Record<string, unknown> = {}) {
    super(config);
    // An explicit None is an axis of its own (none kept), not the default -1.
    if (config.axis === null || (Array.isArray(config.axis) && config.axis.length === 0)) this.args.axis = null;
  }

  protected override validate(): void {
    const { mean, variance } = this.args;
    if ((mean === null) !== (variance === null)) {
      throw new Error(`When setting values directly, both \`mean\` and \`variance\` must be set. Received: mean=${pyValue(mean)} and variance=${pyValue(variance)}`);
    }
  }

  private get axes(): number[] {
    const axis = this.args.axis;
    return axis === null ? [] : axisList(axis);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return firstShape(inputShape);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstShape(inputShape);
    const ndim = shape.length;
    if (this.axes.some((a) => a < -ndim || a >= ndim)) {
      throw new Error(`All \`axis\` values must be in the range [-ndim, ndim). Received inputs with ndim=${ndim}, while axis=(${this.axes.join(', ')}${this.axes.length === 1 ? ',' : ''})`);
    }
    const kept = sizesAt(shape, this.axes);
    if (kept.includes(null)) {
      throw new Error(`All \`axis\` values to be kept must have a known shape. Received axis=${JSON.stringify(this.args.axis)}, inputs.shape=${pyShape(shape)}`);
    }
    if (this.args.mean === null) {
      this.addParams('mean', kept as number[], false);
      this.addParams('variance', kept as number[], false);
      // Keras's dtype "int": int32 on JAX and torch (int64 on TensorFlow), whatever the layer's policy.
      this.addParams('count', [], false, 'int32');
    }
    super.build(inputShape);
  }
}

/** A value as Python prints it in Keras's messages. */
function pyValue(value: unknown): string {
  return value === null || value === undefined ? 'None' : JSON.stringify(value);
}

type Args = Record<string, unknown>;

const TfjsBatchNormalization = tfjsLayerClass('BatchNormalization') as unknown as new (args: Args) => Layer & { axis: number };

/**
 * Keras's BatchNormalization: tfjs's, with Batch Renormalization
 * (renorm=True), which keeps three more non-trainable vectors of the
 * channels: moving_stddev, renorm_mean and renorm_stddev.
 */
export class BatchNormalization extends TfjsBatchNormalization {
  static className = 'BatchNormalization';
  private readonly renorm: boolean;
  private readonly renormClipping: Args | null;
  private readonly renormMomentum: unknown;
  private readonly synchronized: unknown;

  constructor(args: Args = {}) {
    // synchronized (batch statistics across devices, TensorFlow backend) changes no shape or weight.
    const { renorm = false, renormClipping = null, renormMomentum = 0.99, synchronized = false, ...rest } = args;
    // Keras 2 and TF.js files write the axis as a list of one ([3]).
    if (Array.isArray(rest.axis) && rest.axis.length === 1) rest.axis = rest.axis[0];
    if (rest.axis !== undefined && rest.axis !== null && !Number.isInteger(rest.axis)) {
      throw new Error(`BatchNormalization normalizes along one axis, an integer; Keras fails on ${JSON.stringify(rest.axis)} (TypeError: int() argument must be a string, a bytes-like object or a real number, not '${Array.isArray(rest.axis) ? 'list' : typeof rest.axis}')`);
    }
    super(rest);
    this.renorm = Boolean(renorm);
    this.renormClipping = renormClipping as Args | null;
    this.renormMomentum = renormMomentum;
    this.synchronized = synchronized;
    if (this.renorm) checkRenormClipping((renormClipping ?? {}) as Args);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstShape(inputShape);
    checkAxes(shape, this.axis);
    const channels = shape[this.axis >= 0 ? this.axis : shape.length + this.axis];
    if (channels === null) fullyDefined([channels], `${this.name}/gamma`);
    super.build(inputShape);
    if (!this.renorm) return;
    for (const name of ['moving_stddev', 'renorm_mean', 'renorm_stddev']) addKerasWeight(this, name, [channels as number], false);
  }

  override getConfig() {
    return { ...(super.getConfig() as object), renorm: this.renorm, renormClipping: this.renormClipping, renormMomentum: this.renormMomentum, synchronized: this.synchronized } as never;
  }
}

/** Keras's checks of renorm_clipping: keys rmax, rmin, dmax; rmax at least rmin; dmax not negative. */
function checkRenormClipping(clipping: Args): void {
  const keys = ['rmax', 'rmin', 'dmax'];
  if (Object.keys(clipping).some((key) => !keys.includes(key))) {
    throw new Error(`Received invalid keys for \`renorm_clipping\` argument: ${JSON.stringify(clipping)}. Supported values: ['rmax', 'rmin', 'dmax'].`);
  }
  const { rmax, rmin, dmax } = clipping as Record<string, number | null | undefined>;
  if (rmax !== null && rmax !== undefined && rmin !== null && rmin !== undefined && rmax < rmin) {
    throw new Error('rmax should be greater than rmin in the `renorm_clipping` argument. Received: rmax={rmax}, rmin={rmin}.');
  }
  if (dmax !== null && dmax !== undefined && dmax < 0) throw new Error('dmax should be non-negative in the `renorm_clipping` argument. Received: dmax={dmax}.');
}

const TfjsLayerNormalization = tfjsLayerClass('LayerNormalization') as unknown as new (args: Args) => Layer & { center: boolean; scale: boolean };

/**
 * Keras's LayerNormalization: tfjs's, with Keras 3's deprecated
 * rms_scaling, which keeps gamma (even with scale=False) and drops beta.
 */
export class LayerNormalization extends TfjsLayerNormalization {
  static className = 'LayerNormalization';
  private readonly rmsScaling: boolean;

  constructor(args: Args = {}) {
    const { rmsScaling = false, ...rest } = args;
    super(rest);
    this.rmsScaling = Boolean(rmsScaling);
  }

  override build(inputShape: Shape | Shape[]): void {
    checkAxes(firstShape(inputShape), (this as unknown as { axis: unknown }).axis);
    if (!this.rmsScaling) {
      super.build(inputShape);
      return;
    }
    const { center, scale } = this;
    this.center = false;
    this.scale = true;
    try {
      super.build(inputShape);
    } finally {
      this.center = center;
      this.scale = scale;
    }
  }

  override call(inputs: Tensor | Tensor[], kwargs: object): Tensor | Tensor[] {
    if (this.rmsScaling) throw new Error('merge-summary cannot run a LayerNormalization with rms_scaling; it counts it');
    return (super.call as (inputs: Tensor | Tensor[], kwargs: object) => Tensor | Tensor[])(inputs, kwargs);
  }

  override getConfig() {
    return { ...(super.getConfig() as object), rmsScaling: this.rmsScaling } as never;
  }
}

/** The weight Keras's SpectralNormalization normalizes: the wrapped layer's kernel, or its embeddings. */
function normalizedWeight(layer: Layer): LayerVariable | undefined {
  const named = (leaf: string) => layer.weights.find((weight) => weight.originalName === leaf || weight.originalName.endsWith(`/${leaf}`));
  return named('kernel') ?? named('embeddings');
}

/**
 * Keras's SpectralNormalization: wraps a layer with a kernel (or an
 * embeddings table), whose weights and output shape it has, and keeps a
 * non-trainable vector_u of (1, the kernel's last dimension) for the power
 * iteration.
 */
export class SpectralNormalization extends WrapperBase {
  static className = 'SpectralNormalization';
  private readonly powerIterations: number;
  private vectorU: LayerVariable | undefined;

  constructor(args: { layer: Layer; powerIterations?: unknown; [key: string]: unknown }) {
    const { powerIterations = 1, ...rest } = args;
    if (!(rest.layer instanceof LayerBase)) throw new Error('SpectralNormalization needs "layer", the layer whose kernel it normalizes');
    super(rest as { layer: Layer });
    if (typeof powerIterations !== 'number' || powerIterations <= 0) {
      throw new Error(`\`power_iterations\` should be greater than zero. Received: \`power_iterations=${JSON.stringify(powerIterations)}\``);
    }
    this.powerIterations = powerIterations;
  }

  override build(inputShape: Shape | Shape[]): void {
    if (!this.layer.built) {
      this.layer.build(inputShape);
      this.layer.built = true;
    }
    const kernel = normalizedWeight(this.layer);
    if (!kernel) throw new Error(`${kerasClassName(this.layer)} object has no attribute 'kernel' nor 'embeddings'`);
    this.vectorU = addKerasWeight(this, 'vector_u', [1, kernel.shape[kernel.shape.length - 1] as number], false, kernel.dtype);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  override call(inputs: Tensor | Tensor[], kwargs: object): Tensor | Tensor[] {
    return this.layer.call(inputs, kwargs as never);
  }

  override get trainableWeights(): LayerVariable[] {
    return this.layer.trainableWeights;
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return [...this.layer.nonTrainableWeights, ...(this.vectorU ? [this.vectorU] : [])];
  }

  override getConfig() {
    return { ...(super.getConfig() as object), powerIterations: this.powerIterations } as never;
  }
}
