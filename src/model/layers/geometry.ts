import { UserError } from '../../core/errors.js';
import { kerasSnakeCase } from '../../core/keras-names.js';
import { userName } from '../names.js';
import type { Layer, Shape } from '../tfjs.js';

/**
 * Keras's arithmetic of sliding windows and its argument checks, shared by
 * the convolution, pooling and reshaping layers (keras/src/ops/
 * operation_utils.py, backend/common/backend_utils.py and
 * utils/argument_validation.py), with Keras's own error messages: these
 * are what a user of Keras reads for the same mistake.
 */

/**
 * Keras's standardize_data_format: "channels_first" or "channels_last" in
 * any case (as a spec or a file writes it, or as tfjs spells it,
 * channelsFirst), None for channels_last; whether the channels come first.
 */
export function isChannelsFirst(dataFormat: unknown): boolean {
  if (dataFormat === null || dataFormat === undefined) return false;
  const key = String(dataFormat).replace(/_/g, '').toLowerCase();
  if (key === 'channelsfirst' || key === 'channelslast') return key === 'channelsfirst';
  throw new Error(`The \`data_format\` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=${kerasSnakeCase(String(dataFormat)).toLowerCase()}`);
}

/** A data format as tfjs spells it. */
export const tfjsDataFormat = (channelsFirst: boolean) => (channelsFirst ? 'channelsFirst' : 'channelsLast');

/** A value as Python prints it in Keras's messages: (2,) and (2, 2) for tuples, None for null. */
export function py(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  return String(value);
}

/** A tuple as Python prints it: (2,) or (None, 8, 8, 3). */
export function pyTuple(values: readonly unknown[]): string {
  return values.length === 1 ? `(${py(values[0])},)` : `(${values.map(py).join(', ')})`;
}

/** A list of numbers as numpy prints an array: [1 1]. */
export function npArray(values: readonly (number | null)[]): string {
  return `[${values.map(py).join(' ')}]`;
}

/**
 * Keras's standardize_tuple: one whole number for every dimension, or a
 * list of exactly `n`; each positive (or at least 0 with allowZero).
 */
export function standardizeTuple(value: unknown, n: number, name: string, allowZero = false): number[] {
  let message = `The \`${name}\` argument must be a tuple of ${n} integers. Received ${name}=${py(value)}`;
  const tuple = typeof value === 'number' ? Array(n).fill(value) : Array.isArray(value) ? [...value] : undefined;
  if (!tuple || tuple.length !== n) throw new Error(message);
  for (const item of tuple) {
    if (typeof item !== 'number' || !Number.isInteger(item)) throw new Error(`${message}including element ${py(item)}`);
  }
  const bad = [...new Set((tuple as number[]).filter((v) => (allowZero ? v < 0 : v <= 0)))];
  if (bad.length > 0) {
    message += `, including values {${bad.join(', ')}} that do not satisfy \`value ${allowZero ? '>= 0' : '> 0'}\``;
    throw new Error(message);
  }
  return tuple as number[];
}

/**
 * Keras's standardize_padding for convolutions: case-insensitive, "valid"
 * or "same" ("causal" too for Conv1D); a list passes (and fails later, in
 * the shape rule, as it does in Keras).
 */
export function standardizePadding(value: unknown, allowCausal = false): string {
  const allowed = allowCausal ? "{'same', 'causal', 'valid'}" : "{'same', 'valid'}";
  if (Array.isArray(value)) throw new Error(`\`padding\` must be either \`'valid'\` or \`'same'\`. Received ${py(value)}.`);
  const padding = typeof value === 'string' ? value.toLowerCase() : value === undefined || value === null ? 'valid' : undefined;
  if (padding === undefined || !(padding === 'valid' || padding === 'same' || (allowCausal && padding === 'causal'))) {
    throw new Error(`The \`padding\` argument must be a list/tuple or one of ${allowed}. Received: ${py(typeof value === 'string' ? value.toLowerCase() : value)}`);
  }
  return padding;
}

/** The spatial dimensions of a channels-last or channels-first shape. */
export function spatialOf(shape: Shape, channelsFirst: boolean): (number | null)[] {
  return channelsFirst ? shape.slice(2) : shape.slice(1, -1);
}

/** A shape with new spatial dimensions and channels, in the same data format. */
export function withSpatial(shape: Shape, spatial: (number | null)[], channels: number | null, channelsFirst: boolean): Shape {
  return channelsFirst ? [shape[0], channels, ...spatial] : [shape[0], ...spatial, channels];
}

/** The channels of a channels-last or channels-first shape. */
export function channelsOf(shape: Shape, channelsFirst: boolean): number | null {
  return channelsFirst ? shape[1] : shape[shape.length - 1];
}

export interface Window {
  kernelSize: number[];
  strides: number[];
  dilation: number[];
  padding: string;
  channelsFirst: boolean;
}

/**
 * Keras's compute_conv_output_shape: "valid" gives
 * floor((L - dilation * (kernel - 1) - 1) / stride) + 1, refused when not
 * positive; "same" and "causal" floor((L - 1) / stride) + 1; None stays None.
 */
export function convOutputShape(input: Shape, filters: number | null, window: Window): Shape {
  const { kernelSize, strides, dilation, padding, channelsFirst } = window;
  const spatial = spatialOf(input, channelsFirst);
  const kernelShape = [...kernelSize, channelsOf(input, channelsFirst), filters];
  if (kernelShape.length !== input.length) {
    throw new Error(`Kernel shape must have the same length as input, but received kernel of shape ${pyTuple(kernelShape)} and input of shape ${pyTuple(input)}.`);
  }
  if (padding !== 'valid' && padding !== 'same' && padding !== 'causal') throw new Error(`\`padding\` must be either \`'valid'\` or \`'same'\`. Received ${py(padding)}.`);
  const out = spatial.map((length, i) => {
    if (length === null) return null;
    if (padding !== 'valid') return Math.floor((length - 1) / strides[i]) + 1;
    const size = Math.floor((length - dilation[i] * (kernelSize[i] - 1) - 1) / strides[i]) + 1;
    if (size <= 0) {
      throw new Error(
        `Computed output size would be zero or negative. Received \`inputs shape=${pyTuple(input)}\`, \`kernel shape=${pyTuple(kernelShape)}\`, ` +
          `\`dilation_rate=${npArray(dilation)}\`, \`strides=${pyTuple(strides)}\`, \`padding=${padding}\`.`,
      );
    }
    return size;
  });
  return withSpatial(input, out, filters, channelsFirst);
}

/**
 * Keras's transposed-convolution length (backend_utils
 * _get_output_shape_given_tf_padding), with the kernel dilated first:
 * "valid" (L - 1) * stride + kernel + output_padding, where output_padding
 * left out is max(kernel, stride) - kernel; "same" L * stride, or
 * (L - 1) * stride + kernel % 2 + output_padding.
 */
export function transposeOutputShape(input: Shape, filters: number, window: Window, outputPadding: number[] | null): Shape {
  const { kernelSize, strides, dilation, padding, channelsFirst } = window;
  const out = spatialOf(input, channelsFirst).map((length, i) => {
    if (length === null) return null;
    const kernel = (kernelSize[i] - 1) * dilation[i] + 1;
    const extra = outputPadding?.[i];
    if (padding === 'valid') return (length - 1) * strides[i] + kernel + (extra ?? Math.max(kernel, strides[i]) - kernel);
    return extra === undefined ? length * strides[i] : (length - 1) * strides[i] + (kernel % 2) + extra;
  });
  return withSpatial(input, out, filters, channelsFirst);
}

/**
 * Keras's compute_pooling_output_shape: "valid" floor((L - pool) / stride)
 * + 1, refused when not positive; "same" floor((L - 1) / stride) + 1.
 * Keras takes the padding as written: "SAME" or "causal" is refused.
 */
export function poolOutputShape(input: Shape, poolSize: number[], strides: number[], padding: unknown, channelsFirst: boolean): Shape {
  if (padding !== 'valid' && padding !== 'same') throw new Error(`Argument \`padding\` must be either 'valid' or 'same'. Received: padding=${py(padding)}`);
  const out = spatialOf(input, channelsFirst).map((length, i) => {
    if (length === null) return null;
    if (padding === 'same') return Math.floor((length - 1) / strides[i]) + 1;
    const size = Math.floor((length - poolSize[i]) / strides[i]) + 1;
    if (size <= 0) {
      throw new Error(
        `Computed output size would be zero or negative. Received: \`inputs.shape=${npArray(input)}\`, \`pool_size=${npArray(poolSize)}\`, ` +
          `\`strides=${pyTuple(strides)}\`, \`padding=${padding}\`.`,
      );
    }
    return size;
  });
  return withSpatial(input, out, channelsOf(input, channelsFirst), channelsFirst);
}

/**
 * A configuration whose shapes and weights are Keras's but which tfjs's
 * kernels do not compute (a grouped or causal convolution, output_padding,
 * a dilated depthwise kernel, a bicubic upsampling): `profile`, which runs
 * the model, refuses it by name rather than run something else.
 */
export function cannotCompute(layer: Layer, what: string): never {
  throw new UserError('unknown-class', `profile cannot run layer "${userName(layer.name)}" (${layer.getClassName()}): TensorFlow.js has no kernel for ${what}; its summary is Keras's, but it cannot be run here`);
}
