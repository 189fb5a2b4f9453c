import { LayerCallError, UserError, hasOwn, isObject, type DocPath } from '../core/errors.js';
import { kerasSignature } from '../core/keras-classes.js';
import { formatShape, type FullShape } from '../core/shapes.js';
import type { Warning } from '../core/warnings.js';
import type { LayerCall } from '../readers/graph.js';
import { MODEL_CLASSES, entryPath, type KerasTopology } from '../readers/keras-topology.js';
import { baseName } from '../readers/spec.js';
import type { BuiltModel } from './build-spec.js';
import { graphFromModel } from './call-graph.js';
import { isFlagArgument, wrongKind } from './arg-kinds.js';
import { unknownLayerClass } from './layers/unknown.js';
import { OPERATION_CLASSES } from './layers/operations.js';
import { KERAS_OP_PREFIX } from '../core/keras-names.js';
import { isIgnoredByKeras, unhonouredArguments, unknownNames } from './keras-arguments.js';
import { argumentsOf, kerasToTfjs, layerClasses, tfjsMessage, toCamelCase } from './layer-factory.js';
import { userName, withTfjsNames } from './names.js';
import { impossibleInput, impossibleOutput } from './shape-guard.js';
import { useShapeOnlyBackend } from './shape-only-backend.js';
import { LayerTrailError, deserialize, type ApplyChecks, isContainer, withLayerTrail, withTemporaryClasses, withoutConsole, type Container, type LayerConstructor, type LayersModel } from './tfjs.js';
import { unknowableWhy } from './unknowable.js';
import { weightWarnings } from './weights-check.js';


/**
 * Builds a model read from a Keras or TF.js file with tfjs-layers' own
 * deserializer, on the storage-less backend. Classes tfjs does not know stop
 * the build with the layer's name, unless `allowUnknown`: then each is a
 * shape-preserving placeholder, and it and every layer after it are marked
 * unverified.
 */
export function buildKerasModel(topology: KerasTopology, options: { allowUnknown: boolean }): BuiltModel {
  useShapeOnlyBackend();
  const known = new Map([...layerClasses(), ...Object.entries(OPERATION_CLASSES)]);
  const unknown = findUnknownLayers(topology.model, topology.path, known);
  if (unknown.length > 0 && !options.allowUnknown) {
    const first = unknown[0];
    const why = unknowableWhy(first.className)
      ?? (first.className.startsWith(KERAS_OP_PREFIX)
        ? `it is a call of keras.ops' ${first.className.slice(KERAS_OP_PREFIX.length)} in the model's graph, an op merge-summary has no shape rule for`
        : `its class ${first.className} is neither a Keras layer tfjs has nor one merge-summary adds (a custom layer?)`);
    const more = unknown.length > 1 ? ` (and ${unknown.length - 1} more such layer${unknown.length > 2 ? 's' : ''})` : '';
    throw new UserError(
      'unknown-class',
      `layer "${first.name}" (${first.className}) cannot be summarised: ${why}${more}. With --allow-unknown it is taken as keeping its input's shape, and it and the layers after it are marked unverified`,
      { file: topology.file, path: first.path },
    );
  }
  refuseUnhonouredArguments(topology.model, topology.path, topology.file, known);
  refuseWrongKinds(topology.model, topology.file);
  // The classes of the model's op nodes are tfjs classes only while it is built (and built again): never a spec's layer type.
  const placeholders: Record<string, LayerConstructor & { fromConfig: unknown }> = {};
  for (const className of operationClassesOf(topology.model)) if (Object.prototype.hasOwnProperty.call(OPERATION_CLASSES, className)) placeholders[className] = OPERATION_CLASSES[className];
  for (const { className } of unknown) placeholders[className] ??= unknownLayerClass(className);

  const config = withTfjsNames(kerasToTfjs(topology.model)) as { className: string; config: object };
  let model: LayersModel;
  try {
    const build = () => withTemporaryClasses(placeholders, () => deserialize<LayersModel>(config.className, config.config));
    model = withoutConsole(() => withLayerTrail(build, SHAPE_CHECKS));
  } catch (error) {
    const original = error instanceof LayerTrailError ? error.original : error;
    if (original instanceof UserError) throw original;
    const failed = error instanceof LayerTrailError ? entryOf(topology.model, error.trail.map(userName)) : undefined;
    const reason = original instanceof ImpossibleShape ? original.reason : tfjsMessage(original);
    if (failed) throw new LayerCallError(failed.name, failed.className, reason, { file: topology.file, path: entryPath(failed.entry) ?? topology.path });
    throw new UserError('model', `the model cannot be built: ${tfjsMessage(original)}`, { file: topology.file, path: topology.path });
  }
  freezeNestedModels(model, topology.model);
  const derived = graphFromModel(model, topology.file, { file: topology.file, path: topology.path }, placeholders);
  const graph = { ...derived.graph, name: topology.name ?? baseName(topology.file.replace(/:config\.json$/, '')) };
  const unverified = unverifiedLayers(graph.calls, new Set(unknown.map((u) => u.className)), derived.layers);
  const warnings: Warning[] = [
    ...unknown.map((u): Warning => ({
      code: 'unknown-layer',
      layer: u.name,
      message: `layer "${u.name}" (${u.className}) is unknown; it is taken as keeping its input's shape, so its row and the rows after it are unverified`,
    })),
    ...(topology.weights ? weightWarnings(model, topology.weights) : []),
  ];
  const note = topology.weights?.unchecked;
  return { model, graph, tensors: derived.tensors, layers: derived.layers, owners: derived.owners, warnings, unverified, ...(note ? { note } : {}) };
}

/**
 * tfjs's model deserializer ignores a nested model's own `trainable: false`
 * (Keras's `base.trainable = False`); Keras counts every weight inside such
 * a model as non-trainable and shows the model's row as frozen.
 */
function freezeNestedModels(built: Container, config: Record<string, unknown>): void {
  const layers = ((config.config as { layers?: unknown[] } | undefined)?.layers ?? []) as Record<string, unknown>[];
  for (const entry of layers) {
    if (!MODEL_CLASSES.has(String(entry.class_name))) continue;
    const name = String(entry.name ?? (isObject(entry.config) ? entry.config.name : ''));
    const nested = built.layers.find((layer) => userName(layer.name) === name);
    if (!nested || !isContainer(nested)) continue;
    if (isObject(entry.config) && entry.config.trainable === false) nested.trainable = false;
    freezeNestedModels(nested, entry);
  }
}

/**
 * Every argument of every layer in the file (inner layers of wrappers and
 * nested models too) that tfjs would ignore although it changes what Keras
 * builds (Conv2D groups, Dense lora_rank, ...): refused with the layer,
 * rather than summarised wrongly.
 */
function refuseUnhonouredArguments(model: Record<string, unknown>, path: DocPath, file: string, known: Map<string, LayerConstructor>): void {
  const config = model.config as { layers: Record<string, unknown>[] };
  config.layers.forEach((layer, i) => {
    const layerPath = [...path, 'config', 'layers', i];
    if (MODEL_CLASSES.has(String(layer.class_name))) refuseUnhonouredArguments(layer, layerPath, file, known);
    else checkLayerConfig(layer, layerPath, file, known);
  });
}

function checkLayerConfig(layer: Record<string, unknown>, path: DocPath, file: string, known: Map<string, LayerConstructor>): void {
  const className = String(layer.class_name);
  const cls = known.get(className);
  // An input's configuration is its shape and dtype, which tfjs reads whole.
  if (!cls || !isObject(layer.config) || className === 'InputLayer') return;
  const honoured = argumentsOf(cls) ?? new Set<string>();
  const [problem] = unhonouredArguments(className, layer.config, honoured);
  const name = String(layer.name ?? layer.config.name ?? className);
  // Activations only: no activation name is refused alone, so every problem here is an unknown name.
  const [unknownName] = unknownNames({ activation: layer.config.activation, recurrent_activation: layer.config.recurrent_activation });
  if (unknownName?.kind === 'unknown-name') {
    const hint = unknownName.suggestions.length > 0 ? `; did you mean ${unknownName.suggestions.map((c) => `"${c}"`).join(', ')}?` : ' (a custom one?)';
    throw new UserError('layer-config', `layer "${name}" (${className}): unknown ${unknownName.what} "${unknownName.value}"${hint}`, { file, path: [...path, 'config', unknownName.argument] });
  }
  if (problem) {
    throw new UserError(
      'layer-config',
      `layer "${name}" (${className}): ${problem.argument}=${JSON.stringify(problem.value)} is a Keras argument merge-summary cannot honour yet for ${className}: TensorFlow.js would ignore it, and it changes shapes or parameter counts; refusing rather than printing a wrong count`,
      { file, path: [...path, 'config', problem.argument] },
    );
  }
  // Wrappers hold their inner layers' configurations (Bidirectional, TimeDistributed: layer; RNN: cell; Pipeline: layers).
  for (const key of ['layer', 'backward_layer', 'cell', ...(className === 'Pipeline' ? ['layers'] : [])]) {
    const inner = layer.config[key];
    if (isObject(inner) && typeof inner.class_name === 'string') checkLayerConfig(inner, [...path, 'config', key], file, known);
    if (Array.isArray(inner)) inner.forEach((cell, j) => isObject(cell) && checkLayerConfig(cell, [...path, 'config', key, j], file, known));
  }
}

type Json = Record<string, unknown>;

/** A layer tfjs built with an output no tensor can have; thrown inside the build, so that the trail says which. */
class ImpossibleShape extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const shapes = (tensors: { shape: unknown }[]) => tensors.map((tensor) => tensor.shape as FullShape);

/** Shape rules checked around every call tfjs makes while it builds the model. */
const SHAPE_CHECKS: ApplyChecks = {
  before(layer, inputs) {
    if (isContainer(layer)) {
      const reason = nestedInputMismatch(layer, shapes(inputs));
      if (reason) throw new ImpossibleShape(reason);
      return;
    }
    const reason = impossibleInput(layer.getClassName(), () => layer.getConfig() as Json, shapes(inputs));
    if (reason) throw new ImpossibleShape(reason);
  },
  after(layer, inputs, outputs) {
    const reason = impossibleOutput(layer.getClassName(), () => layer.getConfig() as Json, shapes(inputs), shapes(outputs));
    if (reason) throw new ImpossibleShape(reason);
  },
};

/**
 * A model used as a layer takes inputs of the shapes it was built for, as
 * Keras checks them (tfjs only warns, and would rebuild its first layer for
 * another width). A None on either side matches any size.
 */
function nestedInputMismatch(model: Container, given: FullShape[]): string | undefined {
  const built = (model.inputs ?? []).map((input) => input.shape as FullShape);
  for (const [i, expected] of built.entries()) {
    const actual = given[i];
    if (!actual) continue;
    const differs = expected.length !== actual.length || expected.some((dim, axis) => dim !== null && actual[axis] !== null && dim !== actual[axis]);
    if (differs) return `a nested model takes inputs of the shapes it was built for: it was built for ${formatShape(expected)}, and is called on ${formatShape(actual)}`;
  }
  return undefined;
}

/**
 * The layer entry an error was thrown in, from the names of the layers tfjs
 * was inside (outermost first): the innermost name an entry has (a wrapper's
 * inner layer has none of its own), preferring the entry inside the models
 * the trail passed through.
 */
function entryOf(model: Json, trail: string[]): { entry: Json; name: string; className: string } | undefined {
  for (let i = trail.length - 1; i >= 1; i--) {
    let best: { entry: Json; score: number } | undefined;
    const visit = (container: Json, ancestors: string[]) => {
      for (const entry of ((container.config as { layers?: Json[] } | undefined)?.layers ?? [])) {
        const name = String(entry.name ?? (isObject(entry.config) ? entry.config.name : ''));
        if (name === trail[i]) {
          const score = ancestors.filter((ancestor) => trail.slice(0, i).includes(ancestor)).length;
          if (!best || score > best.score) best = { entry, score };
        }
        if (MODEL_CLASSES.has(String(entry.class_name))) visit(entry, [...ancestors, name]);
      }
    };
    visit(model, []);
    if (best) return { entry: best.entry, name: trail[i], className: String(best.entry.class_name) };
  }
  return undefined;
}

/**
 * The arguments of every layer entry, checked by kind as a spec's are
 * (arg-kinds.ts): tfjs trusts its configuration, and a "strides" of "abc"
 * or a "units" of -3 would fail inside it without saying which argument.
 */
function refuseWrongKinds(model: Json, file: string): void {
  for (const entry of ((model.config as { layers?: Json[] } | undefined)?.layers ?? [])) {
    if (MODEL_CLASSES.has(String(entry.class_name))) {
      refuseWrongKinds(entry, file);
      continue;
    }
    if (!isObject(entry.config) || entry.class_name === 'InputLayer' || String(entry.class_name).startsWith(KERAS_OP_PREFIX)) continue;
    // An argument Keras's constructor cannot do without (a Reshape's target_shape): named, as a spec's would be, never tfjs's words about undefined.
    const config = entry.config;
    const missing = kerasSignature(String(entry.class_name))?.required.find((snake) => !hasOwn(config, snake) && !hasOwn(config, toCamelCase(snake)));
    if (missing !== undefined) {
      const name = String(entry.name ?? entry.config.name ?? entry.class_name);
      throw new UserError('layer-config', `layer "${name}" (${String(entry.class_name)}) needs ${missing}, which its configuration lacks`, { file, path: [...(entryPath(entry) ?? []), 'config'] });
    }
    for (const [key, value] of Object.entries(entry.config)) {
      if (isIgnoredByKeras(String(entry.class_name), key)) {
        delete entry.config[key];
        continue;
      }
      // A file may hold None for a flag (tfjs writes "mask_zero": null); Keras reads it as false, where tfjs would take
      // its own default (true for use_bias): false is what the model is.
      if (value === null && isFlagArgument(key, String(entry.class_name))) {
        entry.config[key] = false;
        continue;
      }
      const problem = wrongKind(key, value, String(entry.class_name));
      if (!problem) continue;
      const name = String(entry.name ?? entry.config.name ?? entry.class_name);
      const at = entryPath(entry);
      throw new UserError('layer-config', `layer "${name}" (${String(entry.class_name)}): ${problem}`, { file, path: at ? [...at, 'config', key] : [] });
    }
  }
}

/** The class names of the keras.ops nodes of a model and of the models nested in it. */
function operationClassesOf(model: Json, into = new Set<string>()): Set<string> {
  for (const entry of ((model.config as { layers?: Json[] } | undefined)?.layers ?? [])) {
    const className = String(entry.class_name);
    if (MODEL_CLASSES.has(className)) operationClassesOf(entry, into);
    else if (className.startsWith(KERAS_OP_PREFIX)) into.add(className);
  }
  return into;
}

interface UnknownLayer {
  name: string;
  className: string;
  path: DocPath;
}

function findUnknownLayers(model: Record<string, unknown>, path: DocPath, known: Map<string, LayerConstructor>): UnknownLayer[] {
  const config = model.config as { layers: Record<string, unknown>[] };
  return config.layers.flatMap((layer, i) => {
    const className = String(layer.class_name);
    const layerPath = [...path, 'config', 'layers', i];
    if (MODEL_CLASSES.has(className)) return findUnknownLayers(layer, layerPath, known);
    const name = String(layer.name ?? (isObject(layer.config) ? layer.config.name : className));
    return known.has(className) && unknowableWhy(className) === undefined ? [] : [{ name, className, path: layerPath }];
  });
}

/** Unknown layers, and every layer whose input comes from one: their shapes are guesses. */
function unverifiedLayers(calls: LayerCall[], unknownClasses: Set<string>, layers: BuiltModel['layers']): Map<string, string> {
  const unverified = new Map<string, string>();
  /** For each unverified call's label: the unknown layer its guess goes back to. */
  const origin = new Map<string, string>();
  for (const call of calls) {
    const isUnknown = unknownClasses.has(layers.get(call.layer)?.getClassName() ?? '');
    const upstream = call.from.map((ref) => origin.get(ref.label)).find((name) => name !== undefined);
    const source = isUnknown ? call.layer : upstream;
    if (source === undefined) continue;
    origin.set(call.label, source);
    if (!unverified.has(call.layer)) {
      unverified.set(call.layer, isUnknown ? 'unknown layer: taken as keeping its input shape' : `after the unknown layer "${source}"`);
    }
  }
  return unverified;
}
