import { kerasSignature } from '../core/keras-classes.js';
import { kerasSnakeCase, weightPolicyOf } from '../core/keras-names.js';
import { KERAS_ACTIVATIONS, KERAS_CONSTRAINTS, KERAS_DTYPES, KERAS_INITIALIZERS, KERAS_REFUSED_AS_STRING, KERAS_REGULARIZERS } from '../core/keras-signatures.js';
import { closestNames, isObject } from '../core/errors.js';
import { toCamelCase } from './layer-factory.js';
import { isQuantizedPolicyName } from './layers/dtype-policy.js';

/**
 * What Keras 3 accepts as a layer's arguments (src/core/keras-signatures.ts,
 * generated from Keras's own signatures), against what tfjs honours. An
 * argument tfjs does not know is silently ignored by tfjs, so one that can
 * change a shape or a count, given a value other than Keras's default,
 * would give a silent wrong number: it is refused instead, naming it.
 */

/**
 * Arguments that never change a shape or a parameter count, whatever their
 * value: how weights are initialised, regularised or constrained, which
 * function is applied elementwise, what is dropped in training, and names.
 */
const SHAPE_NEUTRAL = new Set([
  'name', 'trainable', 'autocast', 'activity_regularizer', 'activation', 'recurrent_activation', 'seed',
  'dropout', 'recurrent_dropout', 'rate', 'noise_shape', 'stddev', 'momentum', 'epsilon', 'unroll', 'use_cudnn',
  'implementation', 'interpolation', 'crop_to_aspect_ratio', 'pad_to_aspect_ratio', 'fill_mode', 'fill_value',
  'input_shape', 'input_dim', 'dtype', 'go_backwards', 'stateful', 'mask_zero', 'sparse', 'supports_masking',
  // The parameters of elementwise functions (LeakyReLU, ReLU, ELU, Softmax's axis).
  'negative_slope', 'alpha', 'max_value', 'threshold',
]);

export function isShapeNeutral(snakeName: string): boolean {
  return SHAPE_NEUTRAL.has(snakeName) || weightPolicyOf(snakeName) !== undefined;
}

/**
 * Arguments Keras 3 reads and then ignores (a deprecation warning at most),
 * which tfjs would still act on: an Embedding's input_length, which tfjs
 * checks against the input's shape.
 */
const IGNORED_BY_KERAS: Readonly<Record<string, readonly string[]>> = { Embedding: ['input_length'] };

export function isIgnoredByKeras(className: string, snakeName: string): boolean {
  return Object.prototype.hasOwnProperty.call(IGNORED_BY_KERAS, className) && IGNORED_BY_KERAS[className].includes(snakeName);
}

/** Values two JSON-like arguments share: 2 and [2, 2] are different values here, as they are in a config. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => sameValue(a[key], b[key]));
  }
  return a === b || (a === null && b === undefined) || (a === undefined && b === null);
}

/** Keras's default for a tuple argument is also met by the same number for every dimension (strides: 1 for (1, 1)). */
function isDefault(value: unknown, fallback: unknown): boolean {
  if (sameValue(value, fallback)) return true;
  // A flag Keras defaults to None means off (InputLayer's ragged, sparse); a data_format of None is Keras's default, channels_last.
  if (value === false && fallback === null) return true;
  if (value === 'channels_last' && fallback === null) return true;
  if (typeof value === 'number' && Array.isArray(fallback)) return fallback.every((item) => item === value);
  if (typeof value === 'string' && typeof fallback === 'string') return toCamelCase(value) === toCamelCase(fallback);
  return false;
}

export type ArgumentProblem =
  | { kind: 'unknown'; argument: string; suggestions: string[]; accepted: string[] }
  | { kind: 'missing'; argument: string }
  | { kind: 'unknown-name'; argument: string; what: string; value: string; suggestions: string[] }
  | { kind: 'refused-alone'; argument: string; what: string; value: string; kerasError: string };

/** Names Keras accepts for the functions and objects an argument names, by the argument's name. */
function namedObjects(snakeName: string): { what: string; names: string[] } | undefined {
  if (snakeName === 'activation' || snakeName === 'recurrent_activation') return { what: 'activation', names: KERAS_ACTIVATIONS };
  const policy = weightPolicyOf(snakeName);
  if (policy !== undefined) return { what: policy, names: { initializer: KERAS_INITIALIZERS, regularizer: KERAS_REGULARIZERS, constraint: KERAS_CONSTRAINTS }[policy] };
  if (snakeName === 'dtype') return { what: 'dtype', names: KERAS_DTYPES };
  return undefined;
}

/** Whether `name` is one of `names` as Keras reads names: case and underscores aside (GlorotUniform = glorot_uniform). */
function knownName(name: string, names: string[]): boolean {
  const key = (text: string) => text.replace(/_/g, '').toLowerCase();
  return names.some((candidate) => key(candidate) === key(name));
}

/** Names of activations, initializers, ... in a layer's arguments that Keras does not have, with the closest it has. */
export function unknownNames(args: Record<string, unknown>): Extract<ArgumentProblem, { kind: 'unknown-name' | 'refused-alone' }>[] {
  const problems: Extract<ArgumentProblem, { kind: 'unknown-name' | 'refused-alone' }>[] = [];
  for (const [argument, value] of Object.entries(args)) {
    const named = namedObjects(argument);
    if (named && typeof value === 'string' && Object.prototype.hasOwnProperty.call(KERAS_REFUSED_AS_STRING, value)) {
      problems.push({ kind: 'refused-alone', argument, what: named.what, value, kerasError: KERAS_REFUSED_AS_STRING[value] });
      continue;
    }
    const written = typeof value === 'string' ? value : isObject(value) && typeof value.class_name === 'string' ? value.class_name : undefined;
    // Quantized dtype policies (int8_from_float32, int4/128_from_bfloat16) are names of a form, not of a list.
    const quantized = argument === 'dtype' && typeof value === 'string' && isQuantizedPolicyName(value);
    if (named && written !== undefined && !quantized && !knownName(written, named.names)) {
      // Keras lists both spellings (HeNormal, he_normal); suggest the one written in configs.
      const spellings = named.names.filter((name) => name === name.toLowerCase() || !named.names.includes(kerasSnakeCase(name)));
      problems.push({ kind: 'unknown-name', argument, what: named.what, value: written, suggestions: closestNames(written, spellings, 3) });
    }
  }
  return problems;
}

/**
 * Checks the arguments a spec gives a layer of class `type` against Keras's
 * signature: unknown arguments, missing required ones, unknown names of
 * activations, initializers, regularizers, constraints and dtypes. Undefined
 * when the class has no Keras signature (a tfjs-only class).
 */
export function checkSpecArguments(type: string, args: Record<string, unknown>): ArgumentProblem[] | undefined {
  const signature = kerasSignature(type);
  if (!signature) return undefined;
  const accepted = [...signature.required, ...Object.keys(signature.defaults)];
  const problems: ArgumentProblem[] = [];
  for (const [argument, value] of Object.entries(args)) {
    if (!accepted.includes(argument)) {
      problems.push({ kind: 'unknown', argument, suggestions: closestNames(argument, accepted, 3), accepted: accepted.filter((name) => !['input_dim', 'input_shape', 'autocast'].includes(name)).sort() });
      continue;
    }
  }
  problems.push(...unknownNames(Object.fromEntries(Object.entries(args).filter(([argument]) => accepted.includes(argument)))));
  for (const argument of signature.required) if (!(argument in args)) problems.push({ kind: 'missing', argument });
  return problems;
}

/**
 * The arguments of a layer (snake_case, as Keras writes them) that tfjs's
 * class would ignore although they change what Keras builds: a value other
 * than Keras's default, for an argument that is not shape-neutral and that
 * the tfjs class does not take (`honoured`, camelCase).
 */
export function unhonouredArguments(type: string, args: Record<string, unknown>, honoured: Set<string>): { argument: string; value: unknown }[] {
  const signature = kerasSignature(type);
  const out: { argument: string; value: unknown }[] = [];
  const neutralHere = Object.prototype.hasOwnProperty.call(NEUTRAL_FOR_CLASS, type) ? NEUTRAL_FOR_CLASS[type] : [];
  for (const [argument, value] of Object.entries(args)) {
    if (honoured.has(toCamelCase(argument)) || isShapeNeutral(argument) || neutralHere.includes(argument)) continue;
    const fallback = signature && Object.prototype.hasOwnProperty.call(signature.defaults, argument) ? signature.defaults[argument] : undefined;
    if (signature && Object.prototype.hasOwnProperty.call(signature.defaults, argument) && isDefault(value, fallback)) continue;
    if (KERAS2_SHAPE_ARGUMENTS.has(argument)) {
      if (!sameValue(value, KERAS2_SHAPE_ARGUMENTS.get(argument))) out.push({ argument, value });
    } else if (signature && [...signature.required, ...Object.keys(signature.defaults)].includes(argument)) {
      out.push({ argument, value });
    }
  }
  return out;
}

/** Arguments that change no shape or count of one class in particular. */
const NEUTRAL_FOR_CLASS: Record<string, string[]> = {
  // Flatten of channels-first data orders the values differently; the size is the same.
  Flatten: ['data_format'],
};

/** Keras 2 arguments Keras 3 dropped that change what a layer computes shapes from, with their defaults. */
const KERAS2_SHAPE_ARGUMENTS = new Map<string, unknown>([['time_major', false]]);

