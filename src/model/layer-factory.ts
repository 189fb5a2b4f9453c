import { UserError, closestNames, suggest } from '../errors.js';
import type { LayerDefinition } from '../spec/graph.js';
import { kerasSnakeCase } from '../spec/keras-names.js';
import { wrongKind } from './arg-kinds.js';
import { registerKerasLayers } from './keras-layers/index.js';
import { LayerClass, tfc, type Layer } from './tf.js';

type LayerConstructor = new (config: object) => Layer;

/** Arguments every Keras layer takes, whether or not a layer's getConfig() lists them. */
const BASE_ARGS = new Set(['name', 'trainable', 'dtype', 'inputShape', 'batchInputShape', 'batchSize', 'inputDType', 'weights']);

/** Model classes are containers, not layers a spec entry can create from arguments. */
const NOT_SPEC_LAYERS = new Set(['InputLayer', 'Model', 'Functional', 'Sequential']);

let knownClasses: Map<string, LayerConstructor> | undefined;

/** Every layer class tfjs's serialization registry knows, by Keras class name. */
export function layerClasses(): Map<string, LayerConstructor> {
  if (knownClasses) return knownClasses;
  registerKerasLayers();
  const classes = new Map<string, LayerConstructor>();
  const registry = tfc.serialization.SerializationMap.getMap().classNameMap;
  for (const [name, [cls]] of Object.entries(registry)) {
    if ((cls as { prototype: unknown }).prototype instanceof (LayerClass as unknown as typeof Object)) {
      classes.set(name, cls as unknown as LayerConstructor);
    }
  }
  knownClasses = classes;
  return classes;
}

/**
 * Creates the tfjs layer a spec entry describes, through tfjs's own registry
 * and with Keras's argument names converted the way tfjs converts Keras
 * configs: snake_case keys and string values become camelCase.
 */
export function createLayer(definition: LayerDefinition): Layer {
  if (definition.tfjs) return fromTfjsConfig(definition.tfjs);
  const classes = layerClasses();
  const cls = classes.get(definition.type);
  const what = `layer "${definition.name}" (${definition.type})`;
  if (!cls || NOT_SPEC_LAYERS.has(definition.type)) {
    const known = [...classes.keys()].filter((name) => !NOT_SPEC_LAYERS.has(name));
    throw new UserError(`unknown layer type "${definition.type}"${suggest(definition.type, known)}`, definition.typeAt);
  }
  const config: Record<string, unknown> = {};
  const writtenAs = new Map<string, string>();
  for (const [key, value] of Object.entries(definition.args)) {
    const at = definition.argLocations[key] ?? definition.at;
    const camel = toCamelCase(key);
    const earlier = writtenAs.get(camel);
    if (earlier !== undefined) throw new UserError(`${what}: "${key}" repeats "${earlier}"`, at);
    writtenAs.set(camel, key);
    const problem = wrongKind(kerasSnakeCase(camel), value);
    if (problem) throw new UserError(`${what}: ${problem}`, at);
    config[camel] = kerasToTfjs(value);
  }
  let layer: Layer;
  try {
    layer = new cls({ ...config, name: definition.name });
  } catch (error) {
    const message = tfjsMessage(error);
    const misspelt = misspeltArgument(message, writtenAs);
    if (misspelt) {
      throw new UserError(`${what}: unknown argument "${misspelt.key}"; did you mean "${kerasSnakeCase(misspelt.meant)}"?`, definition.argLocations[misspelt.key]);
    }
    throw new UserError(`${what}: ${message}`, definition.at);
  }
  rejectUnknownArgs(layer, writtenAs, definition, what);
  return layer;
}

/**
 * tfjs refuses a layer with a missing required argument before its config can
 * be asked which arguments it takes; when the argument it names is a near miss
 * of one the user wrote ("unit" for "units"), the real problem is the spelling.
 */
function misspeltArgument(message: string, writtenAs: Map<string, string>): { key: string; meant: string } | undefined {
  const mentioned = new Set(message.match(/\b[a-z][A-Za-z0-9]*\b/g) ?? []);
  for (const [camel, key] of writtenAs) {
    if (mentioned.has(camel)) continue;
    const [meant] = closestNames(camel, mentioned, 1);
    if (meant && meant.length >= 3) return { key, meant };
  }
  return undefined;
}

type FromConfig = (cls: unknown, config: object, customObjects?: object, fastWeightInit?: boolean) => Layer;

/**
 * A layer from a configuration in tfjs's own form, through tfjs's registry
 * (or the placeholders of --allow-unknown): how layers read from Keras and
 * TF.js files are built, and built again for a merge's counterfactual.
 */
export function fromTfjsConfig(tfjs: NonNullable<LayerDefinition['tfjs']>): Layer {
  registerKerasLayers();
  return withPlaceholders(tfjs.customObjects ?? {}, () => {
    const entry = tfc.serialization.SerializationMap.getMap().classNameMap[tfjs.className];
    if (!entry) throw new Error(`tfjs has no layer class ${tfjs.className}`);
    const [cls, fromConfig] = entry as unknown as [unknown, FromConfig];
    return fromConfig(cls, structuredClone(tfjs.config));
  });
}

/**
 * Runs `build` with the placeholder classes of --allow-unknown in tfjs's
 * registry, and takes them out again after, so that no later model finds
 * them. (tfjs's own customObjects do not reach layers inside a nested
 * Sequential.)
 */
export function withPlaceholders<T>(placeholders: Record<string, unknown>, build: () => T): T {
  const registry = tfc.serialization.SerializationMap.getMap().classNameMap as Record<string, unknown>;
  const added = Object.keys(placeholders).filter((name) => !(name in registry));
  for (const name of added) registry[name] = [placeholders[name], (placeholders[name] as { fromConfig: unknown }).fromConfig];
  try {
    return build();
  } finally {
    for (const name of added) delete registry[name];
  }
}

function rejectUnknownArgs(layer: Layer, writtenAs: Map<string, string>, definition: LayerDefinition, what: string): void {
  const accepted = new Set([...BASE_ARGS, ...Object.keys(layer.getConfig())]);
  for (const [camel, key] of writtenAs) {
    if (accepted.has(camel)) continue;
    const names = [...accepted].filter((name) => !BASE_ARGS.has(name) || name === 'trainable').map(kerasSnakeCase);
    const close = closestNames(kerasSnakeCase(camel), names, 3);
    const hint = close.length > 0 ? `; did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : `; it takes ${names.sort().join(', ')}`;
    throw new UserError(`${what}: unknown argument "${key}"${hint}`, definition.argLocations[key] ?? definition.at);
  }
}

/** tfjs's own conversion of identifiers in Keras configs (generic_utils.toCamelCase). */
export function toCamelCase(identifier: string): string {
  if (identifier.length <= 1 || !identifier.includes('_')) return identifier;
  return identifier.replace(/_+(\w|$)/g, (_, next: string) => next.toUpperCase());
}

/**
 * Converts a Keras argument value as tfjs's convertPythonicToTs does: keys and
 * string values to camelCase ("channels_last" -> "channelsLast",
 * "glorot_uniform" -> "glorotUniform"), names left as written.
 */
export function kerasToTfjs(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return key === 'name' ? value : toCamelCase(value);
  // Layer names in a model's wiring stay as written, as tfjs's converter keeps them.
  if (Array.isArray(value)) return value.map((item, i) => (i === 0 && typeof item === 'string' && WIRING_KEYS.has(key ?? '') ? item : kerasToTfjs(item, key)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const camel = k === 'name' ? k : toCamelCase(k);
      out[camel] = kerasToTfjs(v, camel);
    }
    return out;
  }
  return value;
}

const WIRING_KEYS = new Set(['inboundNodes', 'inputLayers', 'outputLayers']);

/** tfjs errors carry their class in the message; users need only the sentence. */
export function tfjsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim();
}
