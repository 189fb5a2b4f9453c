import { UserError, isObject, type DocPath } from '../core/errors.js';
import type { Warning } from '../core/warnings.js';
import type { LayerCall } from '../readers/graph.js';
import { MODEL_CLASSES, type KerasTopology } from '../readers/keras-topology.js';
import { baseName } from '../readers/spec.js';
import type { BuiltModel } from './build-spec.js';
import { graphFromModel } from './call-graph.js';
import { unknownLayerClass } from './layers/unknown.js';
import { unhonouredArguments, unknownNames } from './keras-arguments.js';
import { argumentsOf, kerasToTfjs, layerClasses, tfjsMessage } from './layer-factory.js';
import { useShapeOnlyBackend } from './shape-only-backend.js';
import { deserialize, isContainer, withTemporaryClasses, type Container, type LayerConstructor, type LayersModel } from './tfjs.js';
import { weightWarnings } from './weights-check.js';

/** Why a class can never be known from its configuration. */
const UNKNOWABLE: Record<string, string> = {
  Lambda: 'a Lambda layer runs Python code that its configuration only holds as bytecode',
  TFOpLambda: 'a TFOpLambda layer calls a TensorFlow function that its configuration does not describe',
};

/**
 * Builds a model read from a Keras or TF.js file with tfjs-layers' own
 * deserializer, on the storage-less backend. Classes tfjs does not know stop
 * the build with the layer's name, unless `allowUnknown`: then each is a
 * shape-preserving placeholder, and it and every layer after it are marked
 * unverified.
 */
export function buildKerasModel(topology: KerasTopology, options: { allowUnknown: boolean }): BuiltModel {
  useShapeOnlyBackend();
  const known = layerClasses();
  const unknown = findUnknownLayers(topology.model, topology.path, known);
  if (unknown.length > 0 && !options.allowUnknown) {
    const first = unknown[0];
    const why = Object.prototype.hasOwnProperty.call(UNKNOWABLE, first.className)
      ? UNKNOWABLE[first.className]
      : `its class ${first.className} is neither a Keras layer tfjs has nor one merge-summary adds (a custom layer?)`;
    const more = unknown.length > 1 ? ` (and ${unknown.length - 1} more such layer${unknown.length > 2 ? 's' : ''})` : '';
    throw new UserError(
      'unknown-class',
      `layer "${first.name}" (${first.className}) cannot be summarised: ${why}${more}. With --allow-unknown it is taken as keeping its input's shape, and it and the layers after it are marked unverified`,
      { file: topology.file, path: first.path },
    );
  }
  const gru = findResetAfterGru(topology.model, topology.path);
  if (gru) {
    throw new UserError(
      'layer-config',
      `layer "${gru.name}" (GRU) has reset_after: true (the default since Keras 2.3), a GRU that TensorFlow.js cannot build (it has only reset_after: false); merge-summary cannot count this model yet`,
      { file: topology.file, path: gru.path },
    );
  }
  refuseUnhonouredArguments(topology.model, topology.path, topology.file, known);
  const placeholders: Record<string, LayerConstructor & { fromConfig: unknown }> = {};
  for (const { className } of unknown) placeholders[className] ??= unknownLayerClass(className);

  const config = kerasToTfjs(topology.model) as { className: string; config: object };
  let model: LayersModel;
  try {
    model = withTemporaryClasses(placeholders, () => deserialize<LayersModel>(config.className, config.config));
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError('model', `the model cannot be built: ${tfjsMessage(error)}`, { file: topology.file, path: topology.path });
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
    const nested = built.layers.find((layer) => layer.name === name);
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
  const [unknownName] = unknownNames({ activation: layer.config.activation, recurrent_activation: layer.config.recurrent_activation });
  if (unknownName) {
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
  // Wrappers hold their inner layers' configurations (Bidirectional, TimeDistributed: layer; RNN: cell).
  for (const key of ['layer', 'backward_layer', 'cell']) {
    const inner = layer.config[key];
    if (isObject(inner) && typeof inner.class_name === 'string') checkLayerConfig(inner, [...path, 'config', key], file, known);
    if (Array.isArray(inner)) inner.forEach((cell, j) => isObject(cell) && checkLayerConfig(cell, [...path, 'config', key, j], file, known));
  }
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
    return known.has(className) && !Object.prototype.hasOwnProperty.call(UNKNOWABLE, className) ? [] : [{ name, className, path: layerPath }];
  });
}

/** The first GRU with reset_after true, anywhere in the model (also inside Bidirectional or TimeDistributed). */
function findResetAfterGru(value: unknown, path: DocPath): { name: string; path: DocPath } | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findResetAfterGru(value[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(value)) return undefined;
  if (value.class_name === 'GRU' && isObject(value.config) && value.config.reset_after === true) {
    return { name: String(value.config.name ?? value.name ?? 'gru'), path };
  }
  for (const [key, item] of Object.entries(value)) {
    const found = findResetAfterGru(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
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
