/**
 * What kind of value a Keras constructor argument takes, by its name: across
 * Keras, an argument name means the same thing in every layer that has it.
 * tfjs trusts its callers and would build a weight of shape [3, "64"] or
 * [3, 1.5]; checking here turns that into an error at the argument.
 */
import { hasOwn, isPrototypeKey, quoteValue } from '../core/errors.js';
import { weightPolicyOf } from '../core/keras-names.js';
import { MAX_RANK } from '../core/shapes.js';

type Check = (value: unknown) => boolean;

const isPositiveInteger: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isInteger: Check = (v) => typeof v === 'number' && Number.isInteger(v);
// A list argument is per dimension: never longer than a tensor's rank (TensorFlow's limit, MAX_RANK).
const listOf = (check: Check): Check => (v) => Array.isArray(v) && v.length > 0 && v.length < MAX_RANK && v.every(check);
const either = (...checks: Check[]): Check => (v) => checks.some((check) => check(v));

/** What an argument takes: in words for errors, as a check, and as JSON Schema for editors (schemas/model-spec.schema.json). */
export interface Kind {
  description: string;
  check: Check;
  json: object;
}

const POSITIVE = { type: 'integer', minimum: 1 };
const oneOrList = (item: object) => ({ anyOf: [item, { type: 'array', items: item, minItems: 1, maxItems: MAX_RANK - 1 }] });

const POSITIVE_INTEGER: Kind = { description: 'a positive whole number', check: isPositiveInteger, json: POSITIVE };
const POSITIVE_INTEGERS: Kind = {
  description: 'a positive whole number or a list of them',
  check: either(isPositiveInteger, listOf(isPositiveInteger)),
  json: oneOrList(POSITIVE),
};
const INTEGERS: Kind = { description: 'a whole number or a list of them', check: either(isInteger, listOf(isInteger)), json: oneOrList({ type: 'integer' }) };
const BOOLEAN: Kind = { description: 'true or false', check: (v) => typeof v === 'boolean', json: { type: 'boolean' } };
const FRACTION: Kind = {
  description: 'a number from 0 up to (not including) 1',
  check: (v) => typeof v === 'number' && v >= 0 && v < 1,
  json: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
};
const NUMBER: Kind = { description: 'a number', check: (v) => typeof v === 'number' && Number.isFinite(v), json: { type: 'number' } };
/** A Keras object by name or as its serialized form; the JSON Schema is one definition, #/definitions/nameOrConfig. */
export const NAME_OR_CONFIG_JSON = {
  // The names every JavaScript object answers to ("constructor", "valueOf") are no Keras names.
  anyOf: [{ type: 'string', not: { pattern: `^(${Object.getOwnPropertyNames(Object.prototype).sort().join('|')})$` } }, { type: ['object', 'null'] }],
};
const nameOrConfig = (example: string): Kind => ({
  description: `a name (e.g. "${example}") or a {class_name, config} mapping`,
  check: (v) => v === null || (typeof v === 'string' && !isPrototypeKey(v)) || (typeof v === 'object' && !Array.isArray(v)),
  json: NAME_OR_CONFIG_JSON,
});
const ACTIVATION = nameOrConfig('relu');
const INITIALIZER = nameOrConfig('glorot_uniform');
const REGULARIZER = nameOrConfig('l2');
const CONSTRAINT = nameOrConfig('non_neg');
// A dtype, or Keras 3's serialized DTypePolicy ({class_name: "DTypePolicy", config: {name: "mixed_float16"}}).
const DTYPE = nameOrConfig('float32');

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
  // Two -1s are Reshape's own error ("only one unknown dimension"), as a 0 is its error of size; null is a dimension left unknown, as Keras's None.
  target_shape: {
    description: 'a list of whole numbers, each at least 0, -1 (for one inferred dimension) or null (unknown)',
    check: listOf((d) => (isInteger(d) && (d as number) >= -1) || d === null),
    json: { type: 'array', items: { anyOf: [{ type: 'integer', minimum: -1 }, { type: 'null' }] }, minItems: 1, maxItems: MAX_RANK - 1 },
  },
  // Permute's own check says, as Keras does, that they must be 1, 2, ... in some order.
  dims: { description: 'a list of whole numbers', check: listOf(isInteger), json: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: MAX_RANK - 1 } },
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
  activation: ACTIVATION,
  recurrent_activation: ACTIVATION,
  kernel_initializer: INITIALIZER,
  bias_initializer: INITIALIZER,
  kernel_regularizer: REGULARIZER,
  bias_regularizer: REGULARIZER,
  kernel_constraint: CONSTRAINT,
  bias_constraint: CONSTRAINT,
  dtype: DTYPE,
};

const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const NUMBERS: Kind = { description: 'a number or a list of them', check: either(isNumber, listOf(isNumber)), json: oneOrList({ type: 'number' }) };

/**
 * The few classes where a name means something else than across Keras:
 * Rescaling's scale and offset are factors (one, or one per channel, as
 * EfficientNet's), and so is the scale of RandomErasing,
 * RandomElasticTransform and RandomPerspective, and CustomScaleLayer's,
 * where a normalization layer's scale is a flag.
 */
const CLASS_KINDS: Record<string, Record<string, Kind>> = {
  Rescaling: { scale: NUMBERS, offset: NUMBERS },
  // The augmentations' scale is a factor (or a range of one): how much to erase, warp or distort.
  RandomElasticTransform: { scale: NUMBERS },
  RandomErasing: { scale: NUMBERS },
  RandomPerspective: { scale: NUMBERS },
  // InceptionResNetV2's residual scale (keras.applications).
  CustomScaleLayer: { scale: NUMBER },
  // groups=-1 is a group per channel (instance normalization).
  GroupNormalization: {
    groups: { description: 'a positive whole number, or -1 (a group per channel)', check: (v) => isPositiveInteger(v) || v === -1, json: { anyOf: [POSITIVE, { const: -1 }] } },
  },
  // axis=None (which Keras 3 writes as []) normalizes every value with one mean and variance.
  Normalization: {
    axis: {
      description: 'a whole number, a list of them, or null (one mean and variance for all)',
      check: (v) => v === null || isInteger(v) || (Array.isArray(v) && v.every(isInteger)),
      json: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }, { type: 'null' }] },
    },
  },
};

/** The kind of value an argument (by its snake_case name) takes, when the tool checks it: words, check and JSON Schema. */
export function kindOf(snakeName: string, className?: string): Kind | undefined {
  if (className !== undefined && hasOwn(CLASS_KINDS, className) && hasOwn(CLASS_KINDS[className], snakeName)) return CLASS_KINDS[className][snakeName];
  if (hasOwn(KINDS, snakeName)) return KINDS[snakeName];
  // Every Keras argument named for what it initializes, regularizes or constrains (depthwise_initializer, gamma_constraint) is one of those by name or config.
  const policy = weightPolicyOf(snakeName);
  return policy === undefined ? undefined : { initializer: INITIALIZER, regularizer: REGULARIZER, constraint: CONSTRAINT }[policy];
}

/** Whether an argument is a flag (use_bias, mask_zero, ...): Python's None there is false, as Keras's `if self.use_bias:` reads it. */
export function isFlagArgument(snakeName: string, className: string): boolean {
  return kindOf(snakeName, className) === BOOLEAN;
}

/** A sentence saying what `value` should have been, or null when it fits. */
export function wrongKind(snakeName: string, value: unknown, className: string): string | null {
  const kind = kindOf(snakeName, className);
  if (!kind || kind.check(value)) return null;
  return `"${snakeName}" must be ${kind.description}, not ${quoteValue(value)}`;
}

/** What kind of value an argument takes, in words, when the name is one Keras uses across layers. */
export function argumentKind(snakeName: string, className: string): string | undefined {
  return kindOf(snakeName, className)?.description;
}
