/**
 * Keras's own checks of preprocessing and augmentation layer arguments,
 * shared by those layers, with Keras's messages. Arguments arrive as tfjs
 * holds them: camelCase keys, and string values camelCased ("one_hot" is
 * "oneHot"); messages show values as Keras printed them (snake_case names,
 * Python's lists and None).
 */

/** A camelCased name ("oneHotWrong") as Keras wrote it ("one_hot_wrong"). */
export function snakeValue(value: string): string {
  return value.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A value as Python's str() prints it inside Keras's f-strings: None, True, [0.5, 1], 'a' inside lists. */
export function py(value: unknown, nested = false): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return nested ? `'${value}'` : value;
  if (Array.isArray(value)) return `[${value.map((item) => py(item, true)).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `'${k}': ${py(v, true)}`).join(', ')}}`;
  return String(value);
}

/** An enumerated argument's value as Keras wrote it: snake_case for a string, as printed otherwise. */
export function pyName(value: unknown): string {
  return typeof value === 'string' ? snakeValue(value) : py(value);
}

/** Whether a camelCased value is one of Keras's snake_case names. */
export function isOneOf(value: unknown, names: readonly string[]): boolean {
  return typeof value === 'string' && names.some((name) => camel(name) === value);
}

function camel(name: string): string {
  return name.replace(/_+(\w|$)/g, (_, next: string) => next.toUpperCase());
}

/** Keras's argument_validation.validate_string_arg. */
export function checkStringArg(value: unknown, allowed: readonly string[], caller: string, argName: string, allowNone = false): void {
  if (allowNone && (value === null || value === undefined)) return;
  if (isOneOf(value, allowed)) return;
  throw new Error(`Unknown value for \`${argName}\` argument of ${caller}. Allowed values are: (${allowed.map((a) => `'${a}'`).join(', ')}). Received: ${argName}=${pyName(value)}`);
}

/** Keras's backend.standardize_data_format: None is channels_last; anything else must be one of the two. */
export function checkDataFormat(value: unknown): 'channelsFirst' | 'channelsLast' {
  if (value === null || value === undefined || value === 'channelsLast') return 'channelsLast';
  if (value === 'channelsFirst') return 'channelsFirst';
  throw new Error(`The \`data_format\` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=${pyName(value)}`);
}

export const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** A number or a list of two numbers: what the factor arguments take. */
export function isFactor(value: unknown): value is number | number[] {
  return isNumber(value) || (Array.isArray(value) && value.every(isNumber));
}

/**
 * BaseImagePreprocessingLayer._set_factor: a number within the class's
 * bounds, or a list of two numbers whose first is not above the upper bound
 * and whose second is not below the lower one.
 */
export function checkFactor(factor: unknown, bounds: [number, number], name = 'factor', argName = 'factor'): void {
  const message = `The \`${name}\` argument should be a number (or a list of two numbers) in the range [${bounds[0]}, ${bounds[1]}]. Received: ${argName}=${py(factor)}`;
  if (Array.isArray(factor)) {
    if (factor.length !== 2 || !factor.every(isNumber)) throw new Error(message);
    if (factor[0] > bounds[1] || factor[1] < bounds[0]) throw new Error(message);
    return;
  }
  if (!isNumber(factor) || factor < bounds[0] || factor > bounds[1]) throw new Error(message);
}

/**
 * The factor check of RandomTranslation, RandomZoom, RandomShear and
 * Solarization: every number of the factor (one, or each of a list of two)
 * must lie within the layer's range; `prefix` is the layer's own sentence.
 */
export function checkEachFactor(factor: unknown, argName: string, prefix: string, inRange: (n: number) => boolean): void {
  const numbers = Array.isArray(factor) ? factor : [factor];
  if ((Array.isArray(factor) && factor.length !== 2) || !numbers.every(isNumber)) throw new Error(`${prefix}Received: ${argName}=${py(factor)}`);
  for (const n of numbers as number[]) if (!inRange(n)) throw new Error(`${prefix}Received: input_number=${py(n)}`);
}

/** The value_range check of the color layers: a list of two numbers. */
export function checkValueRange(valueRange: unknown): void {
  if (!Array.isArray(valueRange) || valueRange.length !== 2) {
    throw new Error(`The \`value_range\` argument should be a list of two numbers. Received: value_range=${py(valueRange)}`);
  }
}

/** The interpolation and fill_mode checks of the geometric layers (Keras raises NotImplementedError). */
export function checkSupported(value: unknown, supported: readonly string[], argName: string, asSet = false): void {
  if (isOneOf(value, supported)) return;
  const listed = supported.map((s) => `'${s}'`).join(', ');
  throw new Error(`Unknown \`${argName}\` ${pyName(value)}. Expected of one ${asSet ? `{${listed}}` : `(${listed})`}.`);
}
