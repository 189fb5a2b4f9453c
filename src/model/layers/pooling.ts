import { firstShape } from '../../core/shapes.js';
import { tfc, tfjsLayerClass, type Layer, type Shape, type Tensor } from '../tfjs.js';
import { channelsOf, isChannelsFirst, poolOutputShape, py, spatialOf, standardizeTuple, tfjsDataFormat } from './geometry.js';
import { KerasLayer } from './keras-layer.js';

/**
 * Keras 3's pooling layers (keras/src/layers/pooling/). tfjs's 1-D pooling
 * has no data_format, its global pooling no keepdims, and its pooling
 * accepts "causal" padding, which Keras refuses; Keras's adaptive pooling
 * tfjs lacks. Where tfjs has the class it is extended, so that what tfjs
 * can run still runs (`profile`); channels-first 1-D data is transposed
 * around tfjs's channels-last kernels.
 */

type Args = Record<string, unknown>;
type TfjsClass = new (args: Args) => Layer;

/** Swaps the last two axes of a 3-D tensor: (batch, channels, steps) ⇄ (batch, steps, channels). */
const swapLastTwo = (tensor: Tensor) => tfc.transpose(tensor, [0, 2, 1]);
const one = (inputs: Tensor | Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs);

/**
 * MaxPooling1D/2D/3D and AveragePooling1D/2D/3D by Keras's rule
 * (base_pooling.py, compute_pooling_output_shape): strides default to
 * pool_size, padding is "valid" or "same" exactly as written.
 */
function pooling(className: string, rank: number) {
  const Base = tfjsLayerClass(className) as unknown as TfjsClass;
  return class extends Base {
    static className = className;
    private readonly keras: { poolSize: number[]; strides: number[]; padding: string; channelsFirst: boolean };

    constructor(args: Args = {}) {
      const poolSize = standardizeTuple(args.poolSize ?? 2, rank, 'pool_size');
      const strides = args.strides === null || args.strides === undefined ? poolSize : standardizeTuple(args.strides, rank, 'strides', true);
      const padding = args.padding ?? 'valid';
      if (padding !== 'valid' && padding !== 'same') throw new Error(`Argument \`padding\` must be either 'valid' or 'same'. Received: padding=${py(padding)}`);
      const channelsFirst = isChannelsFirst(args.dataFormat);
      super({ ...args, poolSize, strides, padding, dataFormat: tfjsDataFormat(channelsFirst) });
      this.keras = { poolSize, strides, padding, channelsFirst };
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const { poolSize, strides, padding, channelsFirst } = this.keras;
      return poolOutputShape(firstShape(inputShape), poolSize, strides, padding, channelsFirst);
    }

    override getConfig() {
      // tfjs's 1-D pooling has no data_format; Keras's has.
      return { ...super.getConfig(), dataFormat: tfjsDataFormat(this.keras.channelsFirst) } as ReturnType<Layer['getConfig']>;
    }

    override call(inputs: Tensor | Tensor[], kwargs: Args) {
      if (rank !== 1 || !this.keras.channelsFirst) return super.call(inputs, kwargs);
      return tfc.tidy(() => swapLastTwo(one(super.call(swapLastTwo(one(inputs)), kwargs) as Tensor | Tensor[])));
    }
  };
}

export const MaxPooling1D = pooling('MaxPooling1D', 1);
export const MaxPooling2D = pooling('MaxPooling2D', 2);
export const MaxPooling3D = pooling('MaxPooling3D', 3);
export const AveragePooling1D = pooling('AveragePooling1D', 1);
export const AveragePooling2D = pooling('AveragePooling2D', 2);
export const AveragePooling3D = pooling('AveragePooling3D', 3);

/** Keras's global pooling shape (base_global_pooling.py): the channels, with a 1 for each spatial axis when keepdims. */
function globalPoolShape(shape: Shape, channelsFirst: boolean, keepdims: boolean): Shape {
  const channels = channelsOf(shape, channelsFirst);
  if (!keepdims) return [shape[0], channels];
  const ones = spatialOf(shape, channelsFirst).map(() => 1);
  return channelsFirst ? [shape[0], channels, ...ones] : [shape[0], ...ones, channels];
}

/** tfjs's 1-D and 2-D global pooling with Keras's keepdims, and data_format for 1-D, which tfjs lacks. */
function globalPooling(className: string, rank: number) {
  const Base = tfjsLayerClass(className) as unknown as TfjsClass;
  return class extends Base {
    static className = className;
    private readonly keepdims: boolean;
    private readonly channelsFirst: boolean;

    constructor(args: Args = {}) {
      const { keepdims, ...rest } = args;
      const channelsFirst = isChannelsFirst(args.dataFormat);
      super({ ...rest, dataFormat: tfjsDataFormat(channelsFirst) });
      this.keepdims = Boolean(keepdims);
      this.channelsFirst = channelsFirst;
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return globalPoolShape(firstShape(inputShape), this.channelsFirst, this.keepdims);
    }

    override getConfig() {
      return { ...super.getConfig(), keepdims: this.keepdims, dataFormat: tfjsDataFormat(this.channelsFirst) } as ReturnType<Layer['getConfig']>;
    }

    override call(inputs: Tensor | Tensor[], kwargs: Args) {
      return tfc.tidy(() => {
        const input = one(inputs);
        const pooled = one(super.call(rank === 1 && this.channelsFirst ? swapLastTwo(input) : input, kwargs) as Tensor | Tensor[]);
        return this.keepdims ? tfc.reshape(pooled, globalPoolShape(input.shape, this.channelsFirst, true) as number[]) : pooled;
      });
    }
  };
}

export const GlobalAveragePooling1D = globalPooling('GlobalAveragePooling1D', 1);
export const GlobalAveragePooling2D = globalPooling('GlobalAveragePooling2D', 2);
export const GlobalMaxPooling1D = globalPooling('GlobalMaxPooling1D', 1);
export const GlobalMaxPooling2D = globalPooling('GlobalMaxPooling2D', 2);

/** Keras's 3-D global pooling, which tfjs lacks: (batch, d, h, w, c) to (batch, c), or (batch, 1, 1, 1, c) with keepdims. */
function globalPooling3D(className: string) {
  return class extends KerasLayer {
    static className = className;
    static override defaults = { dataFormat: 'channelsLast', keepdims: false };

    protected override validate(): void {
      isChannelsFirst(this.args.dataFormat);
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return globalPoolShape(firstShape(inputShape), isChannelsFirst(this.args.dataFormat), Boolean(this.args.keepdims));
    }
  };
}

export const GlobalAveragePooling3D = globalPooling3D('GlobalAveragePooling3D');
export const GlobalMaxPooling3D = globalPooling3D('GlobalMaxPooling3D');

const DIMENSIONS_WORDS: Record<number, string> = { 2: '(height, width)', 3: '(depth, height, width)' };

/**
 * Keras's adaptive pooling, which tfjs lacks (base_adaptive_pooling.py):
 * the spatial axes become output_size whatever the input's (Keras checks
 * no rank: the shape is the batch, output_size and the channels).
 */
function adaptivePooling(className: string, rank: number) {
  return class extends KerasLayer {
    static className = className;
    static override defaults = { outputSize: undefined, dataFormat: 'channelsLast' };
    declare private outputSize: number[];

    protected override validate(): void {
      const size = this.args.outputSize;
      if (rank === 1 && Array.isArray(size) && size.length !== 1) throw new Error(`For 1D input, \`output_size\` tuple must have length 1. Received: ${py(size)}`);
      const ok = Number.isInteger(size) || (Array.isArray(size) && size.length === rank && size.every((item) => Number.isInteger(item)));
      if (!ok) {
        const wanted = rank === 1 ? 'an integer or tuple of 1 integer' : `an integer or ${DIMENSIONS_WORDS[rank]} tuple`;
        throw new Error(`\`output_size\` must be ${wanted}. Received: ${py(size)} of type <class '${Array.isArray(size) ? 'list' : typeof size}'>`);
      }
      this.outputSize = Array.isArray(size) ? (size as number[]) : Array(rank).fill(size);
      const format = this.args.dataFormat;
      if (format !== null && format !== undefined && !['channelsFirst', 'channelsLast', 'channels_first', 'channels_last'].includes(String(format))) {
        throw new Error(`Invalid data_format: ${py(format)}. Expected 'channels_first' or 'channels_last'.`);
      }
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shape = firstShape(inputShape);
      const channelsFirst = isChannelsFirst(this.args.dataFormat);
      const channels = channelsOf(shape, channelsFirst);
      return channelsFirst ? [shape[0], channels, ...this.outputSize] : [shape[0], ...this.outputSize, channels];
    }
  };
}

export const AdaptiveAveragePooling1D = adaptivePooling('AdaptiveAveragePooling1D', 1);
export const AdaptiveAveragePooling2D = adaptivePooling('AdaptiveAveragePooling2D', 2);
export const AdaptiveAveragePooling3D = adaptivePooling('AdaptiveAveragePooling3D', 3);
export const AdaptiveMaxPooling1D = adaptivePooling('AdaptiveMaxPooling1D', 1);
export const AdaptiveMaxPooling2D = adaptivePooling('AdaptiveMaxPooling2D', 2);
export const AdaptiveMaxPooling3D = adaptivePooling('AdaptiveMaxPooling3D', 3);
