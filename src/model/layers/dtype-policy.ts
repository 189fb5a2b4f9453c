import { isObject } from '../../core/errors.js';
import { kerasSnakeCase } from '../../core/keras-names.js';
import { KERAS_DTYPES } from '../../core/keras-signatures.js';

/**
 * Keras 3's quantized dtype policies (keras/src/dtype_policies/): a layer
 * given `dtype="int8_from_float32"` (or, in a file, a QuantizedDTypePolicy
 * object) keeps its kernel quantized, with extra scale weights and Keras's
 * own split between trainable and non-trainable. Dense, EinsumDense,
 * Embedding and the layers built of them (MultiHeadAttention,
 * GroupQueryAttention) read it; Keras's other layers build as with the
 * source policy.
 */

export type QuantizationMode = 'int8' | 'int4' | 'float8';

export interface Quantization {
  mode: QuantizationMode;
  /** The policy's name as Keras prints it: int8_from_float32, int4/128_from_float32. */
  name: string;
  /** int4 sub-channel quantization: the block size; undefined for one scale per channel. */
  blockSize?: number;
  /** float8: the length of each amax history Keras keeps (1024 unless the policy says). */
  amaxHistoryLength: number;
  /** The dtype Keras stores the layer's other weights in (the source policy's variable dtype). */
  variableDtype: string;
}

const QUANTIZED_NAME = /^(int8|int4(?:\/[^_]*)?|float8|gptq[^_]*|awq[^_]*)(?:_from_|From)(.+)$/;
const QUANTIZED_CLASSES = new Set(['QuantizedDTypePolicy', 'QuantizedFloat8DTypePolicy', 'Int4DTypePolicy', 'GPTQDTypePolicy', 'AWQDTypePolicy']);

/** Whether a dtype a spec gives a layer is one of Keras's quantized policy names (int8_from_float32, ...). */
export function isQuantizedPolicyName(name: string): boolean {
  const match = QUANTIZED_NAME.exec(name);
  return match !== null && KERAS_DTYPES.includes(sourceName(match[2]));
}

/** A source policy as Keras names it, from its name or from tfjs's camelCase of it (MixedBfloat16). */
function sourceName(written: string): string {
  return /[A-Z]/.test(written) ? kerasSnakeCase(written) : written;
}

/**
 * A layer's configuration as tfjs reads it, and the quantized dtype policy
 * held apart (tfjs knows no such policy; the layer makes its weights from
 * it). Any other dtype stays in the configuration.
 */
export function apartFromQuantization<T extends { dtype?: unknown }>(config: T): { config: Omit<T, 'dtype'> | T; quantization: Quantization | undefined } {
  const { dtype, ...rest } = config;
  const quantization = quantizationOf(dtype);
  return { config: quantization ? rest : config, quantization };
}

/**
 * The quantization a layer's dtype argument asks for: a policy name (as
 * written, or camel-cased by tfjs's config conversion) or a Keras policy
 * object ({class_name, config}); undefined for a plain dtype. Throws, in
 * Keras's words, for what Keras refuses, and for the GPTQ and AWQ
 * policies, whose weights depend on a calibration merge-summary does not have.
 */
function quantizationOf(dtype: unknown): Quantization | undefined {
  let mode: string;
  let source: string;
  let amaxHistoryLength = 1024;
  if (typeof dtype === 'string') {
    const match = QUANTIZED_NAME.exec(dtype);
    if (!match) return undefined;
    mode = match[1];
    source = sourceName(match[2]);
  } else if (isObject(dtype) && QUANTIZED_CLASSES.has(String(dtype.className ?? dtype.class_name))) {
    const config = isObject(dtype.config) ? dtype.config : {};
    mode = String(config.mode);
    source = sourceName(String(config.sourceName ?? config.source_name ?? 'float32'));
    const length = config.amaxHistoryLength ?? config.amax_history_length;
    if (length !== undefined) {
      if (!Number.isInteger(length)) throw new Error(`\`amax_history_length\` must be an integer. Received: amax_history_length=${JSON.stringify(length)}`);
      amaxHistoryLength = length as number;
    }
  } else {
    return undefined;
  }
  const name = `${mode}_from_${source}`;
  const base = mode.split('/')[0];
  if (base === 'gptq' || base === 'awq') {
    throw new Error(`the dtype policy "${name}" holds ${base.toUpperCase()}-calibrated weights, which merge-summary does not count yet (it counts int8, int4 and float8 quantization)`);
  }
  if (!['int8', 'int4', 'float8'].includes(base)) {
    throw new Error(`Invalid quantization mode. Expected one of ('int8', 'float8', 'int4', 'gptq', 'awq'). Received: mode=${mode}`);
  }
  const compute = source.replace(/^mixed_/, '');
  if (!KERAS_DTYPES.includes(source)) throw new Error(`Cannot convert "${source}" to a dtype policy (the source of "${name}")`);
  if (compute === 'float16' && base === 'int8') throw new Error(`Quantization mode='${base}' doesn't work well with compute_dtype='float16'.`);
  const variableDtype = source.startsWith('mixed_') ? 'float32' : source;
  if (mode === base) return { mode: base as QuantizationMode, name, amaxHistoryLength, variableDtype };
  // Int4DTypePolicy: "int4/<block_size>", -1 for one scale per channel.
  const blockText = mode.slice('int4/'.length);
  const block = /^-?\d+$/.test(blockText) ? Number(blockText) : NaN;
  if (base !== 'int4' || Number.isNaN(block)) {
    throw new Error(`Invalid mode for Int4DTypePolicy. Expected format 'int4/<block_size>', but got '${mode}'.`);
  }
  if (block < -1 || block === 0) {
    throw new Error(`Invalid block_size in mode. Supported values are -1 (per-channel) or a positive integer (sub-channel), but got ${block} from '${mode}'.`);
  }
  return { mode: 'int4', name, blockSize: block === -1 ? undefined : block, amaxHistoryLength, variableDtype };
}

/** A weight as Keras creates it. */
export interface WeightPlan {
  name: string;
  shape: number[];
  trainable: boolean;
  /** Undefined: the layer's variable dtype (bfloat16 for a layer of dtype bfloat16), as Keras's add_weight with none. */
  dtype?: string;
}

/**
 * float8's extra weights (Dense._float8_build, EinsumDense._float8_build): a
 * scale and an amax history for the inputs, the kernel and the outputs'
 * gradients, float32 and trainable (Keras overwrites them with gradients).
 */
export function float8Weights(quantization: Quantization): WeightPlan[] {
  return ['inputs', 'kernel', 'outputs_grad'].flatMap((what) => [
    { name: `${what}_scale`, shape: [], trainable: true, dtype: 'float32' },
    { name: `${what}_amax_history`, shape: [quantization.amaxHistoryLength], trainable: true, dtype: 'float32' },
  ]);
}

/** int4 packs two values in each int8: a dimension of n takes ceil(n / 2). */
export const packed = (n: number) => Math.floor((n + 1) / 2);

/** Keras's error for a quantization mode a layer has no build for. */
export function modeNotSupported(mode: string, supported: string[]): Error {
  return new Error(`Invalid quantization mode. Expected one of (${supported.map((m) => `'${m}'`).join(', ')}). Received: quantization_mode=${mode}`);
}
