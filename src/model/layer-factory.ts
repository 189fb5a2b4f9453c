import { UserError, closestNames, hasOwn, isObject, quoteValue, setOwn, suggest, type SourceLocation } from '../core/errors.js';
import { canonicalClass, kerasSignature, printedClass } from '../core/keras-classes.js';
import { KERAS_SIGNATURES } from '../core/keras-signatures.js';
import { KerasNamer, kerasSnakeCase, weightPolicyOf } from '../core/keras-names.js';
import type { ConfiguredLayer, LayerDefinition, SpecLayer } from '../readers/graph.js';
import { argumentKind, wrongKind } from './arg-kinds.js';
import { checkSpecArguments, isIgnoredByKeras, isShapeNeutral, unhonouredArguments, type ArgumentProblem } from './keras-arguments.js';
import { registerKerasLayers } from './layers/index.js';
import { inUserNames, tfjsName } from './names.js';
import { inUserTerms } from './tfjs-messages.js';
import { unknowableWhy } from './unknowable.js';
import { deserialize, recordConfiguredPolicy, registeredLayerClasses, withTemporaryClasses, type Layer, type LayerConstructor } from './tfjs.js';

/** Arguments every Keras layer takes, whether or not a layer's getConfig() lists them. */
export const BASE_ARGS = new Set(['name', 'trainable', 'dtype', 'inputShape', 'batchInputShape', 'batchSize', 'inputDType', 'weights']);

/** Model classes are containers, not layers a spec entry can create from arguments. */
export const NOT_SPEC_LAYERS = new Set(['InputLayer', 'Model', 'Functional', 'Sequential']);

/** Why a Keras class a spec names cannot be a spec's layer, and what to do instead. */
function notASpecLayer(className: string): string {
  if (className === 'InputLayer') return 'layer type "InputLayer" is not a spec layer: a spec declares its inputs under "inputs:"';
  if (NOT_SPEC_LAYERS.has(className)) return `layer type "${className}" is not a spec layer: a spec is one functional model (a nested model comes from a Keras or TF.js file)`;
  const why = unknowableWhy(className) ?? `${className} has no shape rule in merge-summary`;
  return `layer type "${className}" cannot be summarised from a spec: ${why}; write the layers it stands for (a Keras file with it is read with --allow-unknown, taking it as shape-preserving)`;
}

let knownClasses: Map<string, LayerConstructor> | undefined;

/** Every layer class a configuration can name: tfjs's and the Keras layers added to it, by Keras class name. */
export function layerClasses(): Map<string, LayerConstructor> {
  if (knownClasses) return knownClasses;
  registerKerasLayers();
  knownClasses = registeredLayerClasses();
  return knownClasses;
}

/** The layer a definition describes: a spec entry, or a configuration read from a file. */
export function createLayer(definition: LayerDefinition): Layer {
  return definition.kind === 'config' ? fromConfiguration(definition) : fromSpec(definition);
}

/**
 * A layer from a configuration in tfjs's own form, through tfjs's registry
 * (with the stand-ins of --allow-unknown): how layers read from Keras and
 * TF.js files are built, and built again for a merge's counterfactual.
 */
function fromConfiguration(definition: ConfiguredLayer): Layer {
  registerKerasLayers();
  return withTemporaryClasses(definition.customObjects as never, () => deserialize<Layer>(definition.className, structuredClone(definition.config)));
}

/**
 * Creates the tfjs layer a spec entry describes, through tfjs's own registry
 * and with Keras's argument names converted the way tfjs converts Keras
 * configs: snake_case keys and string values become camelCase. The
 * arguments are checked against Keras's own signature first, so a problem
 * is said in Keras's terms, and one tfjs would silently ignore is refused.
 */
function fromSpec(definition: SpecLayer): Layer {
  const { cls, className, config, what } = specConfig(definition);
  try {
    // A wrapper's inner layer or cell is a configuration: tfjs's fromConfig builds it, where its constructor wants a layer.
    const name = tfjsName(definition.name);
    if (hasOwn(INNER_LAYER, className)) return deserialize<Layer>(className, { ...config, name });
    const layer = new cls({ ...config, name });
    recordConfiguredPolicy(layer, config);
    return layer;
  } catch (error) {
    throw new UserError('layer-config', `${what}: ${tfjsMessage(error)}`, definition.at);
  }
}

/**
 * A spec entry's class and its configuration in tfjs's form, every argument
 * checked against Keras's signature, and the layers it wraps (`layer`,
 * `backward_layer`, `cell`, `cells`) each checked the same way and given as
 * the {className, config} tfjs's fromConfig builds. `within` says which
 * wrapper an inner layer is in, for its errors.
 */
function specConfig(definition: SpecLayer, within?: string): { cls: LayerConstructor; className: string; config: Record<string, unknown>; what: string } {
  const classes = layerClasses();
  const className = canonicalClass(definition.type);
  const cls = classes.get(className);
  const what = `${within ? `${within}: its ` : ''}layer "${definition.name}" (${className})`;
  if (!cls || NOT_SPEC_LAYERS.has(className)) {
    const where = within ? `${within}: ` : '';
    // A Keras class, but not one a spec can describe: suggesting its own name back ("did you mean "Lambda"?") would say nothing.
    if (NOT_SPEC_LAYERS.has(className) || hasOwn(KERAS_SIGNATURES, className)) throw new UserError('unknown-class', `${where}${notASpecLayer(className)}`, definition.typeAt);
    const known = [...classes.keys(), ...Object.keys(KERAS_SIGNATURES)].filter((name) => !NOT_SPEC_LAYERS.has(name) && classes.has(canonicalClass(name)));
    throw new UserError('unknown-class', `${where}unknown layer type "${definition.type}"${suggest(definition.type, new Set(known))}`, definition.typeAt);
  }
  const snakeArgs: Record<string, unknown> = {};
  const writtenAs = new Map<string, string>();
  for (const [key, value] of Object.entries(definition.args)) {
    const snake = kerasSnakeCase(toCamelCase(key));
    const earlier = writtenAs.get(snake);
    if (earlier !== undefined) throw new UserError('spec', `${what}: "${key}" repeats "${earlier}"`, definition.argLocations[key] ?? definition.at);
    writtenAs.set(snake, key);
    setOwn(snakeArgs, snake, value);
  }
  const at = (snake: string) => definition.argLocations[writtenAs.get(snake) ?? ''] ?? definition.at;
  requireInnerLayers(className, snakeArgs, what, definition.at);
  const problems = checkSpecArguments(className, snakeArgs);
  if (problems === undefined) rejectUnknownArgs(cls, writtenAs, definition, what);
  // An unknown argument is named as the user wrote it ("__proto__", not the "proto" tfjs's conversion makes of it).
  for (const problem of problems ?? []) {
    const named = problem.kind === 'unknown' ? { ...problem, argument: writtenAs.get(problem.argument) ?? problem.argument } : problem;
    throw argumentError(named, className, what, at(problem.argument), definition.at);
  }
  const honoured = argumentsOf(cls) ?? new Set<string>();
  const config: Record<string, unknown> = {};
  for (const [snake, value] of Object.entries(snakeArgs)) {
    if (className === 'Pipeline' && snake === 'layers') {
      setOwn(config, 'layers', pipelineLayers(value, what, at(snake)));
      continue;
    }
    const problem = wrongKind(snake, value, className);
    if (problem) throw new UserError('layer-config', `${what}: ${problem}`, at(snake));
    const camel = toCamelCase(snake);
    // tfjs would choke on a name it lacks that cannot change a shape; and an initializer, regularizer or constraint,
    // checked against Keras's names above, is never the engine's business (tfjs lacks l1, l2, lecun_normal, stft, ...).
    if (isShapeNeutral(snake) && (!honoured.has(camel) || weightPolicyOf(snake) !== undefined)) continue;
    if (isIgnoredByKeras(className, snake)) continue;
    setOwn(config, camel, isInnerArgument(className, snake) ? innerLayers(value, snake, INNER_LAYER[className][snake], at(snake), what) : kerasToTfjs(value, camel));
  }
  // Where Keras's default differs from tfjs's (Cropping2D's cropping), or tfjs has none, Keras's is the one meant.
  for (const [snake, fallback] of Object.entries(kerasSignature(className)?.defaults ?? {})) {
    const camel = toCamelCase(snake);
    if (hasOwn(snakeArgs, snake) || fallback === null || isShapeNeutral(snake) || !honoured.has(camel)) continue;
    setOwn(config, camel, kerasToTfjs(fallback, camel));
  }
  for (const { argument, value } of unhonouredArguments(className, snakeArgs, honoured)) {
    throw new UserError(
      'layer-config',
      `${what}: ${argument}=${quoteValue(value)} is a Keras argument merge-summary cannot honour yet for ${className}: TensorFlow.js would ignore it, and it changes shapes or parameter counts; refusing rather than printing a wrong count`,
      at(argument),
    );
  }
  return { cls, className, config, what };
}

/**
 * A Pipeline's layers in a spec: a list of layer entries as the spec's own
 * ({type, name?, ...arguments}), each made and checked as a spec layer is,
 * named as Keras names layers where no name is given.
 */
function pipelineLayers(value: unknown, what: string, at: SourceLocation): Layer[] {
  const isEntry = (item: unknown) => typeof item === 'object' && item !== null && !Array.isArray(item) && typeof (item as { type?: unknown }).type === 'string';
  if (!Array.isArray(value) || value.length === 0 || !value.every(isEntry)) {
    throw new UserError('layer-config', `${what}: "layers" must be a non-empty list of layers, each a mapping with a "type" (and its arguments)`, at);
  }
  const namer = new KerasNamer(new Set());
  return (value as Record<string, unknown>[]).map((item) => {
    const { type, name, ...args } = item as { type: string; name?: unknown } & Record<string, unknown>;
    if (name !== undefined && typeof name !== 'string') throw new UserError('layer-config', `${what}: a layer's "name" must be a string, not ${JSON.stringify(name)}`, at);
    const layerName = name ?? namer.next(kerasSnakeCase(canonicalClass(type)));
    const argLocations = Object.fromEntries(Object.keys(args).map((key) => [key, at]));
    return fromSpec({ kind: 'spec', name: layerName, type, args, argLocations, at, typeAt: at });
  });
}

/** A problem with a spec's arguments, in Keras's terms. */
function argumentError(problem: ArgumentProblem, className: string, what: string, at: SourceLocation, layerAt: SourceLocation): UserError {
  switch (problem.kind) {
    case 'unknown': {
      const hint = problem.suggestions.length > 0 ? `; did you mean ${problem.suggestions.map((c) => `"${c}"`).join(', ')}?` : `; it takes ${problem.accepted.join(', ')}`;
      return new UserError('layer-config', `${what}: unknown argument "${problem.argument}"${hint}`, at);
    }
    case 'missing': {
      const kind = argumentKind(problem.argument, className);
      return new UserError('layer-config', `${what} needs ${problem.argument}${kind ? ` (${kind})` : ''}`, layerAt);
    }
    case 'unknown-name': {
      const hint = problem.suggestions.length > 0 ? `; did you mean ${problem.suggestions.map((c) => `"${c}"`).join(', ')}?` : '';
      return new UserError('layer-config', `${what}: unknown ${problem.what} "${problem.value}"${hint}`, at);
    }
    case 'refused-alone':
      return new UserError('layer-config', `${what}: Keras refuses the ${problem.what} "${problem.value}" given by name alone (${problem.kerasError}); give it as {class_name, config}`, at);
  }
}

const acceptedArgs = new Map<LayerConstructor, Set<string>>();

/**
 * The arguments a class takes: what its getConfig() lists, learnt once per
 * class from an instance made with arguments every layer of that class
 * accepts. Asked before the user's arguments are used, so that a misspelt
 * one ("unit" for "units") is named as such, not as whatever tfjs misses.
 */
export function argumentsOf(cls: LayerConstructor): Set<string> | undefined {
  if (acceptedArgs.has(cls)) return acceptedArgs.get(cls);
  // A Keras layer merge-summary adds declares its arguments (KerasLayer's defaults): no instance is needed, nor arguments to make one.
  const declared = (cls as { defaults?: Record<string, unknown> }).defaults;
  if (declared !== undefined) {
    const accepted = new Set([...BASE_ARGS, ...Object.keys(declared)]);
    acceptedArgs.set(cls, accepted);
    return accepted;
  }
  let config: object | undefined;
  for (const args of PROBE_ARGS) {
    try {
      // Some classes construct from nothing and only fail when asked their config (StackedRNNCells).
      config = new cls(typeof args === 'function' ? args() : args).getConfig();
      break;
    } catch {
      // Not a valid instance with these arguments; try the next.
    }
  }
  if (!config) return undefined;
  const accepted = new Set([...BASE_ARGS, ...Object.keys(config)]);
  acceptedArgs.set(cls, accepted);
  return accepted;
}

/** Constructor arguments that make a valid instance of every layer class with required arguments (a wrapper's made afresh: it takes a layer). */
const PROBE_ARGS: (object | (() => object))[] = [
  {},
  { units: 1 },
  { filters: 1, kernelSize: 1 },
  { kernelSize: 1 },
  { inputDim: 1, outputDim: 1 },
  { targetShape: [1] },
  { dims: [1] },
  { n: 1 },
  { rate: 0.5 },
  { numHeads: 1, keyDim: 1 },
  { height: 1, width: 1 },
  { numTokens: 1 },
  { cropping: 1 },
  { size: 1 },
  { outputSize: 1 },
  { cell: { className: 'SimpleRNNCell', config: { units: 1 } } },
  { factor: 0.1 },
  { nodeDef: { op: 'DepthToSpace', attr: {} } },
  { equation: 'ab,bc->ac', outputShape: 1 },
  { headDim: 1, numQueryHeads: 1, numKeyValueHeads: 1 },
  { projectionDim: 1 },
  () => ({ layer: deserialize<Layer>('SimpleRNN', { units: 1 }) }),
  () => ({ cell: deserialize<Layer>('SimpleRNNCell', { units: 1 }) }),
  () => ({ cells: [deserialize<Layer>('SimpleRNNCell', { units: 1 })] }),
];

function rejectUnknownArgs(cls: LayerConstructor, writtenAs: Map<string, string>, definition: SpecLayer, what: string): void {
  const accepted = argumentsOf(cls);
  if (!accepted) return;
  for (const [snake, key] of writtenAs) {
    const camel = toCamelCase(snake);
    if (accepted.has(camel)) continue;
    const names = [...accepted].filter((name) => !BASE_ARGS.has(name) || name === 'trainable').map(kerasSnakeCase);
    const close = closestNames(kerasSnakeCase(camel), names, 3);
    const hint = close.length > 0 ? `; did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : `; it takes ${names.sort().join(', ')}`;
    throw new UserError('layer-config', `${what}: unknown argument "${key}"${hint}`, definition.argLocations[key] ?? definition.at);
  }
}

/**
 * Wrappers take the layer or cell they wrap as an argument, given in a spec
 * as a nested layer: `{type: LSTM, units: 8}` or Keras's `{class_name: LSTM,
 * config: {units: 8}}` (RNN's `cell` also a list of cells, stacked).
 */
const INNER_LAYER: Record<string, Record<string, string>> = {
  TimeDistributed: { layer: 'the layer it applies to every time step, as {type: Dense, units: 8} or {class_name: Dense, config: {units: 8}}' },
  Bidirectional: {
    layer: 'the recurrent layer it runs both ways, as {type: LSTM, units: 8} or {class_name: LSTM, config: {units: 8}}',
    backward_layer: 'the recurrent layer it runs backwards (go_backwards: true), as {type: LSTM, units: 8, go_backwards: true}',
  },
  RNN: { cell: 'its cell, as {type: LSTMCell, units: 8} or {class_name: LSTMCell, config: {units: 8}}, or a list of cells to stack' },
  StackedRNNCells: { cells: 'the list of cells it stacks, each as {type: LSTMCell, units: 8}' },
  SpectralNormalization: { layer: 'the layer whose kernel it normalizes, as {type: Dense, units: 8} or {class_name: Dense, config: {units: 8}}' },
};

function isInnerArgument(className: string, snake: string): boolean {
  return hasOwn(INNER_LAYER, className) && hasOwn(INNER_LAYER[className], snake);
}

/** A wrapper's required inner layer, missing: said with what it is and how to write it. */
function requireInnerLayers(className: string, snakeArgs: Record<string, unknown>, what: string, at: SourceLocation): void {
  if (!hasOwn(INNER_LAYER, className)) return;
  for (const argument of kerasSignature(className)?.required ?? []) {
    if (hasOwn(INNER_LAYER[className], argument) && !hasOwn(snakeArgs, argument)) throw new UserError('layer-config', `${what}: needs "${argument}", ${INNER_LAYER[className][argument]}`, at);
  }
}

/** An inner layer (or a list of them, for cells) as the {className, config} tfjs builds, checked as a spec entry is. */
function innerLayers(value: unknown, argument: string, wanted: string, at: SourceLocation, within: string): unknown {
  const valueAt: SourceLocation = { ...at, part: 'value' };
  if (argument === 'cells' || (argument === 'cell' && Array.isArray(value))) {
    if (!Array.isArray(value) || value.length === 0) throw new UserError('layer-config', `${within}: needs "${argument}", ${wanted}; found ${shown(value)}`, valueAt);
    return value.map((item, i) => innerLayer(item, argument, wanted, { ...valueAt, path: [...(at.path ?? []), i] }, within));
  }
  // Keras's default: the forward layer, run backwards.
  if (value === null && argument === 'backward_layer') return null;
  return innerLayer(value, argument, wanted, valueAt, within);
}

function innerLayer(value: unknown, argument: string, wanted: string, at: SourceLocation, within: string): { className: string; config: Record<string, unknown> } {
  const path = at.path ?? [];
  const located = (more: (string | number)[], part: 'key' | 'value' = 'key'): SourceLocation => ({ file: at.file, path: [...path, ...more], part });
  let definition: SpecLayer | undefined;
  if (isObject(value) && typeof value.type === 'string') {
    const { type, name, ...args } = value;
    definition = { kind: 'spec', name: innerName(name, type, located(['name'], 'value'), within), type, args, argLocations: Object.fromEntries(Object.keys(args).map((key) => [key, located([key])])), at, typeAt: located(['type'], 'value') };
  } else if (isObject(value) && typeof value.class_name === 'string' && isObject(value.config)) {
    const { name, ...args } = value.config;
    const type = value.class_name;
    definition = { kind: 'spec', name: innerName(name, type, located(['config', 'name'], 'value'), within), type, args, argLocations: Object.fromEntries(Object.keys(args).map((key) => [key, located(['config', key])])), at, typeAt: located(['class_name'], 'value') };
  }
  if (!definition) throw new UserError('layer-config', `${within}: needs "${argument}", ${wanted}; found ${shown(value)}`, at);
  const { className, config } = specConfig(definition, within);
  return { className, config: { ...config, name: tfjsName(definition.name) } };
}

/** An inner layer's name: as the spec reader named it (Keras's auto-name), or the one written. */
function innerName(name: unknown, type: string, at: SourceLocation, within: string): string {
  if (name === undefined) return kerasSnakeCase(printedClass(canonicalClass(type)));
  if (typeof name !== 'string' || name === '') throw new UserError('spec', `${within}: the "name" of its layer must be a non-empty string, not ${shown(name)}`, at);
  return name;
}

/** A value as an error quotes it: JSON, cut short. */
function shown(value: unknown): string {
  const text = quoteValue(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** tfjs's own conversion of identifiers in Keras configs (generic_utils.toCamelCase). */
export function toCamelCase(identifier: string): string {
  if (identifier.length <= 1 || !identifier.includes('_')) return identifier;
  return identifier.replace(/_+(\w|$)/g, (_, next: string) => next.toUpperCase());
}

/**
 * Converts a Keras argument value as tfjs's convertPythonicToTs does: keys and
 * string values to camelCase ("channels_last" -> "channelsLast",
 * "glorot_uniform" -> "glorotUniform"), names and the tokens of a
 * vocabulary left as written (a token "a_b" is not the token "aB").
 */
export function kerasToTfjs(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return VERBATIM_KEYS.has(key ?? '') ? value : toCamelCase(value);
  // Layer names in a model's wiring stay as written, as tfjs's converter keeps them.
  if (Array.isArray(value)) return value.map((item, i) => (i === 0 && typeof item === 'string' && WIRING_KEYS.has(key ?? '') ? item : kerasToTfjs(item, key)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const camel = k === 'name' ? k : toCamelCase(k);
      setOwn(out, camel, kerasToTfjs(v, camel));
    }
    return out;
  }
  return value;
}

const WIRING_KEYS = new Set(['inboundNodes', 'inputLayers', 'outputLayers']);

/** Keys (camelCase) whose string values are data, not names of options: layer names, and the lookups' tokens. */
const VERBATIM_KEYS = new Set(['name', 'vocabulary', 'maskToken', 'oovToken', 'maskValue']);

/**
 * A tfjs error as a user of Keras reads it: the sentence, without tfjs's
 * advice to JavaScript programmers (registerClass(), porting to TensorFlow.js).
 */
export function tfjsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Capped first: the rewrites' patterns scan it, and a tfjs message can quote a name of any length.
  const capped = (message.length > 2000 ? `${message.slice(0, 2000)}…` : message).replace(/\s+/g, ' ').trim();
  const unknown = /^Unknown (\w+): ([^\s.]+)\. This may be due to/.exec(capped);
  if (unknown) return `unknown ${unknown[1].toLowerCase()} "${inUserNames(unknown[2])}" (neither Keras's nor one merge-summary knows; a custom one?)`;
  return inUserNames(inUserTerms(capped.replace(/ This may be due to one of the following reasons:.*$/, '')));
}
