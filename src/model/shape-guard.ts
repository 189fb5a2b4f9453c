import { formatCount } from '../core/numbers.js';
import { formatShape, type FullShape } from '../core/shapes.js';

/**
 * The check every layer's output passes before it is believed: tfjs
 * computes shapes without validating them, and prints (None, -1, -1, 4)
 * for a kernel larger than its input, 0 for pooling larger than it, NaN
 * for UpSampling2D(size=0), undefined for a 3-D pooling of a 2-D tensor.
 * Keras refuses each of these; so does this, in Keras's words where Keras
 * has an error for it. A dimension is believed when it is unknown (None)
 * or a positive whole number a count can hold exactly.
 */

/** Keras's InputSpec(ndim=...) of layers whose rank tfjs does not check, or not for every class. */
const INPUT_RANK: Record<string, number> = {
  MaxPooling1D: 3, AveragePooling1D: 3, GlobalMaxPooling1D: 3, GlobalAveragePooling1D: 3,
  MaxPooling2D: 4, AveragePooling2D: 4, GlobalMaxPooling2D: 4, GlobalAveragePooling2D: 4,
  MaxPooling3D: 5, AveragePooling3D: 5, GlobalMaxPooling3D: 5, GlobalAveragePooling3D: 5,
  UpSampling1D: 3, UpSampling2D: 4, UpSampling3D: 5,
  ZeroPadding1D: 3, ZeroPadding2D: 4, ZeroPadding3D: 5,
  Cropping1D: 3, Cropping2D: 4, Cropping3D: 5,
  SpatialDropout1D: 3, SpatialDropout2D: 4, SpatialDropout3D: 5,
  RepeatVector: 2, LSTM: 3, GRU: 3, SimpleRNN: 3, ConvLSTM1D: 4, ConvLSTM2D: 5, ConvLSTM3D: 6,
  STFTSpectrogram: 3,
};

/** Keras's InputSpec(min_ndim=...) of convolutions: rank + 2. */
const MIN_INPUT_RANK: Record<string, number> = {
  Conv1D: 3, SeparableConv1D: 3, DepthwiseConv1D: 3, Conv1DTranspose: 3,
  Conv2D: 4, SeparableConv2D: 4, DepthwiseConv2D: 4, Conv2DTranspose: 4,
  Conv3D: 5, Conv3DTranspose: 5,
};

const POOLING = /^(Max|Average)Pooling[123]D$/;
const CROPPING = /^Cropping[123]D$/;
const CONV_LSTM = /^ConvLSTM[123]D$/;

type Config = Record<string, unknown>;

/**
 * Why a layer cannot take inputs of these shapes, in Keras's words, or
 * undefined when it can (as far as these rules go: tfjs checks the rest).
 * Asked before tfjs applies the layer. `config` is asked for only when a
 * rule needs it.
 */
export function impossibleInput(type: string, config: () => Config, inputShapes: FullShape[]): string | undefined {
  const input = inputShapes[0];
  if (input) {
    const dims = type === 'Permute' ? config().dims : undefined;
    // A Bidirectional takes what its recurrent layer takes.
    const ranked = type === 'Bidirectional' ? innerClass(config()) : type;
    const rank = own(INPUT_RANK, ranked) ?? own(MIN_INPUT_RANK, ranked) ?? (Array.isArray(dims) ? dims.length + 1 : undefined);
    const exact = own(MIN_INPUT_RANK, ranked) === undefined;
    if (rank !== undefined && (exact ? input.length !== rank : input.length < rank)) {
      return `input 0 is incompatible with the layer: expected ${exact ? 'ndim' : 'min_ndim'}=${rank}, found ndim=${input.length}. Full shape received: ${formatShape(input)}`;
    }
  }
  return beforeOutput(type, config, inputShapes);
}

/** The class of the layer a wrapper wraps (its config's {className, config}). */
function innerClass(config: Config): string {
  const layer = config.layer as { className?: unknown } | undefined;
  return typeof layer?.className === 'string' ? layer.className : '';
}

/** Why a layer's outputs cannot be what tfjs says, or undefined when they can. Asked after tfjs applied it. */
export function impossibleOutput(type: string, config: () => Config, inputShapes: FullShape[], outputShapes: FullShape[]): string | undefined {
  const bad = outputShapes.find((shape) => !Array.isArray(shape) || shape.some((dim) => !isDimension(dim)));
  if (bad === undefined) return undefined;
  return badOutput(type, config, inputShapes[0], bad);
}

/** A dimension a shape may have: unknown, or a positive whole number within exact range. */
export function isDimension(dim: unknown): boolean {
  return dim === null || (typeof dim === 'number' && Number.isSafeInteger(dim) && dim > 0);
}

/** Keras's checks that do not show in the output shape tfjs computes. */
function beforeOutput(type: string, config: () => Config, inputShapes: FullShape[]): string | undefined {
  const input = inputShapes[0];
  if (type === 'Concatenate' && input) {
    const axis = typeof config().axis === 'number' ? (config().axis as number) : -1;
    const rank = input.length;
    if (axis < -rank || axis >= rank) {
      return `axis ${axis} is not an axis of its inputs, which have ${rank} dimensions (${inputShapes.map(formatShape).join(', ')}); Keras fails on it ("list index out of range")`;
    }
  }
  if (type === 'Dot' && inputShapes.length === 2) {
    const axes = config().axes;
    if (axes === undefined || axes === null) return 'needs "axes", the axis (or pair of axes) to take the dot product along; Keras has no default for it';
    const pair = Array.isArray(axes) ? axes : [axes, axes];
    const outside = inputShapes.some((shape, i) => typeof pair[i] !== 'number' || (pair[i] as number) >= shape.length || (pair[i] as number) < -shape.length);
    if (outside) {
      return `axes=${JSON.stringify(axes)} name an axis its inputs lack; they have shapes ${inputShapes.map(formatShape).join(' and ')}`;
    }
    const normalized = pair.map((axis, i) => ((axis as number) < 0 ? (axis as number) + inputShapes[i].length : (axis as number)));
    if (normalized.includes(0)) return 'Cannot perform batch_dot over axis 0 (the batch)';
  }
  if (type === 'CenterCrop' || type === 'Resizing') {
    const { height, width } = config();
    if (![height, width].every((value) => typeof value === 'number' && Number.isInteger(value) && value > 0)) {
      return `needs "height" and "width", positive whole numbers; received height=${JSON.stringify(height) ?? 'nothing'}, width=${JSON.stringify(width) ?? 'nothing'}`;
    }
  }
  return undefined;
}

/** Why an output with an impossible dimension came out, by the kind of layer. */
function badOutput(type: string, config: () => Config, input: FullShape | undefined, bad: FullShape): string {
  const shown = Array.isArray(bad) ? `(${bad.map((dim) => (dim === null ? 'None' : typeof dim === 'number' && Number.isFinite(dim) ? String(dim) : '?')).join(', ')})` : 'no shape';
  const received = input ? formatShape(input) : 'no input';
  if (MIN_INPUT_RANK[type] !== undefined || POOLING.test(type) || CONV_LSTM.test(type)) {
    const c = config();
    const window = POOLING.test(type) ? `pool_size=${JSON.stringify(c.poolSize)}` : `kernel_size=${JSON.stringify(c.kernelSize)}, dilation_rate=${JSON.stringify(c.dilationRate)}`;
    return `Computed output size would be zero or negative. Received: inputs.shape=${received}, ${window}, strides=${JSON.stringify(c.strides)}, padding=${JSON.stringify(c.padding)} (tfjs gives ${shown})`;
  }
  if (CROPPING.test(type)) {
    return `Values in \`cropping\` argument should be smaller than the corresponding spatial dimension of the input. Received: input_shape=${received}, cropping=${JSON.stringify(config().cropping)}`;
  }
  const dim = Array.isArray(bad) ? bad.find((d) => !isDimension(d)) : undefined;
  const why =
    typeof dim === 'number' && Number.isInteger(dim) && dim > Number.MAX_SAFE_INTEGER ? `a dimension beyond ${formatCount(Number.MAX_SAFE_INTEGER)}, more than a count can hold exactly`
    : typeof dim === 'number' && Number.isInteger(dim) && dim <= 0 ? 'a dimension that is zero or negative'
    : 'a dimension tfjs could not compute (shown as ?)';
  return `from input ${received} its output shape would be ${shown}, with ${why}; no tensor has that shape, so the layer cannot be built`;
}

function own(table: Record<string, number>, key: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
