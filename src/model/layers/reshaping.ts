import { firstShape } from '../../core/shapes.js';
import { tfc, tfjsLayerClass, type Layer, type Shape, type Tensor } from '../tfjs.js';
import { cannotCompute, isChannelsFirst, py, pyTuple, standardizeTuple, tfjsDataFormat } from './geometry.js';
import { KerasLayer } from './keras-layer.js';

/**
 * Keras 3's padding, cropping, upsampling and reshaping layers
 * (keras/src/layers/reshaping/, preprocessing/image_preprocessing/
 * center_crop.py), by Keras's rules: an unknown (None) dimension stays
 * unknown, sizes are checked and refused in Keras's words. tfjs has the 2-D
 * ones (and Reshape, CenterCrop), which are extended so that they still run
 * (`profile`); it lacks the 1-D and 3-D ones, which are shape rules only.
 */

type Args = Record<string, unknown>;
type TfjsClass = new (args: Args) => Layer;
type Pair = [number, number];

const ORDINALS = ['1st', '2nd', '3rd'];
const one = (inputs: Tensor | Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs);

/** Keras's nested tuple of pairs, as it prints it: ((1, 1), (2, 2)). */
const pyPairs = (pairs: Pair[]) => (pairs.length === 1 ? pyTuple(pairs[0]) : `(${pairs.map((pair) => pyTuple(pair)).join(', ')})`);

/**
 * A padding or cropping argument as Keras reads it: for 1-D a number or a
 * pair; for 2-D and 3-D a number, one number per axis, or one pair per axis.
 */
function pairsOf(value: unknown, dims: number, name: 'padding' | 'cropping'): Pair[] {
  if (dims === 1) return [standardizeTuple(value, 2, name, true) as Pair];
  if (typeof value === 'number') {
    if (name === 'cropping' && value < 0) throw new Error(`\`cropping\` cannot be negative. Received: cropping=${value}.`);
    return Array.from({ length: dims }, (): Pair => [value, value]);
  }
  if (!Array.isArray(value)) {
    throw new Error(`\`${name}\` should be either an int, a tuple of ${dims} ints, or a tuple of ${dims} tuples of 2 ints. Received: ${name}=${py(value)}.`);
  }
  if (value.length !== dims) {
    throw new Error(dims === 2 ? `\`${name}\` should have two elements. Received: ${name}=${py(value)}.` : `\`${name}\` should have ${dims} elements. Received: ${py(value)}.`);
  }
  return value.map((entry, i) => standardizeTuple(entry, 2, `${ORDINALS[i]} entry of ${name}`, true) as Pair);
}

const firstSpatialAxis = (channelsFirst: boolean) => (channelsFirst ? 2 : 1);

/** Keras's ZeroPadding: each spatial axis grows by its pair; None stays None. */
function paddedShape(shape: Shape, pairs: Pair[], channelsFirst: boolean): Shape {
  const out = [...shape];
  pairs.forEach(([before, after], i) => {
    const axis = firstSpatialAxis(channelsFirst) + i;
    if (out[axis] !== null) out[axis] = (out[axis] as number) + before + after;
  });
  return out;
}

/** Keras's Cropping: each spatial axis shrinks by its pair, refused when nothing would be left; None stays None. */
function croppedShape(shape: Shape, pairs: Pair[], channelsFirst: boolean, className: string): Shape {
  const out = [...shape];
  pairs.forEach(([before, after], i) => {
    const axis = firstSpatialAxis(channelsFirst) + i;
    const dim = out[axis];
    if (dim === null) return;
    if (dim - before - after <= 0) {
      throw new Error(
        className === 'Cropping1D'
          ? `\`cropping\` parameter of \`Cropping1D\` layer must be smaller than the input length. Received: input_shape=${pyTuple(shape)}, cropping=${pyPairs(pairs)}`
          : `Values in \`cropping\` argument should be smaller than the corresponding spatial dimension of the input. Received: input_shape=${pyTuple(shape)}, cropping=${pyPairs(pairs)}`,
      );
    }
    out[axis] = dim - before - after;
  });
  return out;
}

/** Keras's UpSampling: each spatial axis times its factor; None stays None. */
function upsampledShape(shape: Shape, size: number[], channelsFirst: boolean): Shape {
  const out = [...shape];
  size.forEach((factor, i) => {
    const axis = firstSpatialAxis(channelsFirst) + i;
    if (out[axis] !== null) out[axis] = (out[axis] as number) * factor;
  });
  return out;
}

/** Keras's UpSampling1D takes one whole number (a list is a TypeError in Keras), UpSampling2D and 3D a number or one per axis. */
function upsamplingSize(value: unknown, dims: number): number[] {
  if (dims > 1) return standardizeTuple(value, dims, 'size');
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new Error(`Expected an integer value for \`size\`, got <class '${Array.isArray(value) ? 'list' : typeof value === 'string' ? 'str' : typeof value === 'number' ? 'float' : 'NoneType'}'>.`);
  }
  if (value <= 0) throw new Error(`Argument \`size\` should be a positive integer. Received: size=${value}`);
  return [value];
}

/** Keras's ZeroPadding1D and 3D, Cropping1D and 3D, UpSampling1D and 3D, which tfjs lacks (Cropping1D and UpSampling1D have no data_format in Keras). */
function spatialLayer(className: string, dims: number, argument: 'padding' | 'cropping' | 'size', fallback: unknown, hasDataFormat: boolean) {
  return class extends KerasLayer {
    static className = className;
    static override defaults = { [argument]: fallback, ...(hasDataFormat ? { dataFormat: 'channelsLast' } : {}) };
    declare private pairs: Pair[];
    declare private size: number[];

    protected override validate(): void {
      isChannelsFirst(this.args.dataFormat);
      if (argument === 'size') this.size = upsamplingSize(this.args.size, dims);
      else this.pairs = pairsOf(this.args[argument], dims, argument);
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shape = firstShape(inputShape);
      const channelsFirst = isChannelsFirst(this.args.dataFormat);
      if (argument === 'size') return upsampledShape(shape, this.size, channelsFirst);
      return argument === 'padding' ? paddedShape(shape, this.pairs, channelsFirst) : croppedShape(shape, this.pairs, channelsFirst, className);
    }
  };
}

export const ZeroPadding1D = spatialLayer('ZeroPadding1D', 1, 'padding', 1, true);
export const ZeroPadding3D = spatialLayer('ZeroPadding3D', 3, 'padding', 1, true);
export const Cropping1D = spatialLayer('Cropping1D', 1, 'cropping', [1, 1], false);
export const Cropping3D = spatialLayer('Cropping3D', 3, 'cropping', 1, true);
export const UpSampling1D = spatialLayer('UpSampling1D', 1, 'size', 2, false);
export const UpSampling3D = spatialLayer('UpSampling3D', 3, 'size', 2, true);

/** Keras's ZeroPadding2D on tfjs's: Keras's reading of `padding`, and its words when it is wrong. */
const TfjsZeroPadding2D = tfjsLayerClass('ZeroPadding2D') as unknown as TfjsClass;
export class ZeroPadding2D extends TfjsZeroPadding2D {
  static className = 'ZeroPadding2D';
  private readonly pairs: Pair[];
  private readonly channelsFirst: boolean;

  constructor(args: Args = {}) {
    const pairs = pairsOf(args.padding ?? 1, 2, 'padding');
    const channelsFirst = isChannelsFirst(args.dataFormat);
    super({ ...args, padding: pairs, dataFormat: tfjsDataFormat(channelsFirst) });
    this.pairs = pairs;
    this.channelsFirst = channelsFirst;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return paddedShape(firstShape(inputShape), this.pairs, this.channelsFirst);
  }
}

/** Keras's Cropping2D on tfjs's: an unknown dimension stays unknown (tfjs subtracts from it), and Keras's checks. */
const TfjsCropping2D = tfjsLayerClass('Cropping2D') as unknown as TfjsClass;
export class Cropping2D extends TfjsCropping2D {
  static className = 'Cropping2D';
  private readonly pairs: Pair[];
  private readonly channelsFirst: boolean;

  constructor(args: Args = {}) {
    const pairs = pairsOf(args.cropping ?? 0, 2, 'cropping');
    const channelsFirst = isChannelsFirst(args.dataFormat);
    super({ ...args, cropping: pairs, dataFormat: tfjsDataFormat(channelsFirst) });
    this.pairs = pairs;
    this.channelsFirst = channelsFirst;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return croppedShape(firstShape(inputShape), this.pairs, this.channelsFirst, 'Cropping2D');
  }
}

/**
 * Keras's UpSampling2D on tfjs's: `size` as one number for both axes (tfjs
 * takes only a pair), and every interpolation Keras passes to its image
 * resize (bicubic, lanczos3, ...: the same shapes), of which tfjs computes
 * only "nearest" and "bilinear".
 */
const TfjsUpSampling2D = tfjsLayerClass('UpSampling2D') as unknown as TfjsClass;
export class UpSampling2D extends TfjsUpSampling2D {
  static className = 'UpSampling2D';
  private readonly factors: number[];
  private readonly channelsFirst: boolean;
  private readonly kerasInterpolation: string;

  constructor(args: Args = {}) {
    const size = standardizeTuple(args.size ?? 2, 2, 'size');
    const interpolation = typeof args.interpolation === 'string' ? args.interpolation.toLowerCase() : 'nearest';
    const channelsFirst = isChannelsFirst(args.dataFormat);
    super({ ...args, size, interpolation: interpolation === 'bilinear' ? 'bilinear' : 'nearest', dataFormat: tfjsDataFormat(channelsFirst) });
    this.factors = size;
    this.channelsFirst = channelsFirst;
    this.kerasInterpolation = interpolation;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return upsampledShape(firstShape(inputShape), this.factors, this.channelsFirst);
  }

  override getConfig() {
    return { ...super.getConfig(), interpolation: this.kerasInterpolation } as ReturnType<Layer['getConfig']>;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Args) {
    if (this.kerasInterpolation !== 'nearest' && this.kerasInterpolation !== 'bilinear') {
      cannotCompute(this, `interpolation="${this.kerasInterpolation}"`);
    }
    return super.call(inputs, kwargs);
  }
}

/**
 * Keras's Reshape on tfjs's (reshape.py, compute_reshape_output_shape): a
 * -1 is inferred whenever the input's size is known (tfjs leaves it
 * unknown), a None in target_shape stays unknown, and a target of another
 * size is refused in Keras's words.
 */
const TfjsReshape = tfjsLayerClass('Reshape') as unknown as TfjsClass;
export class Reshape extends TfjsReshape {
  static className = 'Reshape';
  private readonly target: (number | null)[];

  constructor(args: Args = {}) {
    const target = args.targetShape;
    if (!Array.isArray(target)) throw new Error(`'${typeof target === 'number' ? 'int' : typeof target}' object is not iterable`);
    const received = `Received: target_shape=${pyTuple(target)}.`;
    if (target.some((dim) => typeof dim === 'number' && dim < -1)) {
      throw new Error(`Each dimension in \`target_shape\` must be a non-negative integer, or \`-1\` for a single unknown dimension. ${received}`);
    }
    if (target.filter((dim) => dim === -1).length > 1) throw new Error(`There must be at most one unknown dimension (-1) in \`target_shape\`. ${received}`);
    super({ ...args, targetShape: target.map((dim) => (dim === null ? -1 : dim)) });
    this.target = target.map((dim) => (typeof dim === 'number' ? dim : null));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    const features = shape.slice(1);
    const target = this.target;
    if (features.includes(null) || target.includes(null)) return [shape[0], ...target.map((dim) => (dim === -1 ? null : dim))];
    const size = (features as number[]).reduce((a, b) => a * b, 1);
    const received = `Received: input_shape=${pyTuple(features)}, target_shape=${pyTuple(target)}`;
    const known = (target as number[]).filter((dim) => dim !== -1).reduce((a, b) => a * b, 1);
    if (!target.includes(-1)) {
      if (size !== known) throw new Error(`The total size of the tensor must be unchanged. ${received}`);
      return [shape[0], ...target];
    }
    if (known === 0 || size % known !== 0) {
      throw new Error(`The total size of the tensor must be unchanged, however, the input size cannot by divided by the specified dimensions in target_shape. ${received}`);
    }
    return [shape[0], ...target.map((dim) => (dim === -1 ? size / known : dim))];
  }

  override getConfig() {
    return { ...super.getConfig(), targetShape: this.target } as ReturnType<Layer['getConfig']>;
  }

  override call(inputs: Tensor | Tensor[]) {
    const input = one(inputs);
    return tfc.reshape(input, [input.shape[0], ...this.target.map((dim) => dim ?? -1)]);
  }
}

/**
 * Keras's CenterCrop on tfjs's: data_format (tfjs's is channels-last
 * only), and Keras's reading of a rank-3 input as one unbatched image
 * (height and width are then its first two axes, as Resizing's).
 */
const TfjsCenterCrop = tfjsLayerClass('CenterCrop') as unknown as TfjsClass;
export class CenterCrop extends TfjsCenterCrop {
  static className = 'CenterCrop';
  private readonly channelsFirst: boolean;
  private readonly size: [number, number];

  constructor(args: Args = {}) {
    const channelsFirst = isChannelsFirst(args.dataFormat);
    super({ ...args, dataFormat: tfjsDataFormat(channelsFirst) });
    this.channelsFirst = channelsFirst;
    this.size = [args.height as number, args.width as number];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = [...firstShape(inputShape)];
    if (shape.length !== 3 && shape.length !== 4) {
      throw new Error('`input_shape` must be a non-nested tuple or list of rank-1 with size 3 (unbatched) or 4 (batched).');
    }
    const heightAxis = (shape.length === 4 ? 1 : 0) + (this.channelsFirst ? 1 : 0);
    [shape[heightAxis], shape[heightAxis + 1]] = this.size;
    return shape;
  }

  override getConfig() {
    return { ...super.getConfig(), dataFormat: tfjsDataFormat(this.channelsFirst) } as ReturnType<Layer['getConfig']>;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Args) {
    const input = one(inputs);
    if (!this.channelsFirst) return super.call(input, kwargs);
    if (input.rank !== 4) cannotCompute(this, 'a channels-first crop of one unbatched image');
    return tfc.tidy(() => tfc.transpose(one(super.call(tfc.transpose(input, [0, 2, 3, 1]), kwargs) as Tensor | Tensor[]), [0, 3, 1, 2]));
  }
}

/** Keras's Permute on tfjs's: Keras's check of `dims` (1, 2, ... in some order), in its words. */
const TfjsPermute = tfjsLayerClass('Permute') as unknown as TfjsClass;
export class Permute extends TfjsPermute {
  static className = 'Permute';

  constructor(args: Args = {}) {
    const dims = args.dims;
    const sorted = Array.isArray(dims) ? [...dims].sort((a, b) => (a as number) - (b as number)) : [];
    if (!Array.isArray(dims) || sorted.some((dim, i) => dim !== i + 1)) {
      throw new Error(`Invalid permutation argument \`dims\` for Permute Layer. The set of indices in \`dims\` must be consecutive and start from 1. Received dims=${py(dims)}`);
    }
    super(args);
  }
}
