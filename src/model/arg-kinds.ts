/**
 * What kind of value a Keras constructor argument takes, by its name: across
 * Keras, an argument name means the same thing in every layer that has it.
 * tfjs trusts its callers and would build a weight of shape [3, "64"] or
 * [3, 1.5]; checking here turns that into an error at the argument.
 */
import { hasOwn, isPrototypeKey } from '../core/errors.js';

type Check = (value: unknown) => boolean;

const isPositiveInteger: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isInteger: Check = (v) => typeof v === 'number' && Number.isInteger(v);
const listOf = (check: Check): Check => (v) => Array.isArray(v) && v.length > 0 && v.every(check);
const either = (...checks: Check[]): Check => (v) => checks.some((check) => check(v));

interface Kind {
  description: string;
  check: Check;
}

const POSITIVE_INTEGER: Kind = { description: 'a positive whole number', check: isPositiveInteger };
const POSITIVE_INTEGERS: Kind = {
  description: 'a positive whole number or a list of them',
  check: either(isPositiveInteger, listOf(isPositiveInteger)),
};
const INTEGERS: Kind = { description: 'a whole number or a list of them', check: either(isInteger, listOf(isInteger)) };
const BOOLEAN: Kind = { description: 'true or false', check: (v) => typeof v === 'boolean' };
const FRACTION: Kind = { description: 'a number from 0 up to (not including) 1', check: (v) => typeof v === 'number' && v >= 0 && v < 1 };
const NUMBER: Kind = { description: 'a number', check: (v) => typeof v === 'number' && Number.isFinite(v) };
const NAME_OR_CONFIG: Kind = {
  description: 'a name (e.g. "relu") or a {class_name, config} mapping',
  check: (v) => v === null || (typeof v === 'string' && !isPrototypeKey(v)) || (typeof v === 'object' && !Array.isArray(v)),
};

const KINDS: Record<string, Kind> = {
  units: POSITIVE_INTEGER,
  filters: POSITIVE_INTEGER,
  depth_multiplier: POSITIVE_INTEGER,
  input_dim: POSITIVE_INTEGER,
  output_dim: POSITIVE_INTEGER,
  n: POSITIVE_INTEGER,
  num_heads: POSITIVE_INTEGER,
  key_dim: POSITIVE_INTEGER,
  value_dim: POSITIVE_INTEGER,
  groups: POSITIVE_INTEGER,
  num_tokens: POSITIVE_INTEGER,
  height: POSITIVE_INTEGER,
  width: POSITIVE_INTEGER,
  kernel_size: POSITIVE_INTEGERS,
  strides: POSITIVE_INTEGERS,
  pool_size: POSITIVE_INTEGERS,
  dilation_rate: POSITIVE_INTEGERS,
  target_shape: { description: 'a list of positive whole numbers and at most one -1 (for one inferred dimension)', check: (v) => listOf((d) => isPositiveInteger(d) || d === -1)(v) && (v as unknown[]).filter((d) => d === -1).length <= 1 },
  dims: { description: 'a list of positive whole numbers', check: listOf(isPositiveInteger) },
  axis: INTEGERS,
  axes: INTEGERS,
  use_bias: BOOLEAN,
  center: BOOLEAN,
  scale: BOOLEAN,
  trainable: BOOLEAN,
  return_sequences: BOOLEAN,
  return_state: BOOLEAN,
  go_backwards: BOOLEAN,
  stateful: BOOLEAN,
  unroll: BOOLEAN,
  mask_zero: BOOLEAN,
  normalize: BOOLEAN,
  keepdims: BOOLEAN,
  rate: FRACTION,
  dropout: FRACTION,
  recurrent_dropout: FRACTION,
  momentum: NUMBER,
  epsilon: NUMBER,
  alpha: NUMBER,
  activation: NAME_OR_CONFIG,
  recurrent_activation: NAME_OR_CONFIG,
  kernel_initializer: NAME_OR_CONFIG,
  bias_initializer: NAME_OR_CONFIG,
  kernel_regularizer: NAME_OR_CONFIG,
  bias_regularizer: NAME_OR_CONFIG,
  kernel_constraint: NAME_OR_CONFIG,
  bias_constraint: NAME_OR_CONFIG,
};

/** A sentence saying what `value` should have been, or null when it fits. */
export function wrongKind(snakeName: string, value: unknown): string | null {
  if (!hasOwn(KINDS, snakeName)) return null;
  const kind = KINDS[snakeName];
  if (kind.check(value)) return null;
  return `"${snakeName}" must be ${kind.description}, not ${JSON.stringify(value)}`;
}
