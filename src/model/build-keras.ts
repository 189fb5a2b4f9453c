import { UserError, type DocPath } from '../errors.js';
import { isObject, MODEL_CLASSES, type KerasTopology } from '../spec/keras-config.js';
import { weightWarnings } from '../spec/weights-check.js';
import { baseName } from '../spec/yaml-spec.js';
import type { BuiltModel } from './build.js';
import { graphFromModel } from './graph-from-model.js';
import { registerKerasLayers } from './keras-layers/index.js';
import { unknownLayerClass } from './keras-layers/unknown.js';
import { kerasToTfjs, layerClasses, tfjsMessage, withPlaceholders } from './layer-factory.js';
import { useShapeOnlyBackend } from './shape-only-backend.js';
import { tfc, type Layer, type LayersModel } from './tf.js';

/** Why a class can never be known from its configuration. */
const UNKNOWABLE: Record<string, string> = {
  Lambda: 'a Lambda layer runs Python code that its configuration only holds as bytecode',
  TFOpLambda: 'a TFOpLambda layer calls a TensorFlow function that its configuration does not describe',
};

type FromConfig = (cls: unknown, config: object, customObjects?: object) => LayersModel;

/**
 * Builds a model read from a Keras or TF.js file with tfjs-layers' own
 * deserializer, on the storage-less backend. Classes tfjs does not know stop
 * the build with the layer's name, unless `allowUnknown`: then each is a
 * shape-preserving placeholder, and it and every layer after it are marked
 * unverified.
 */
export function buildKerasModel(topology: KerasTopology, options: { allowUnknown: boolean }): BuiltModel {
  useShapeOnlyBackend();
  registerKerasLayers();
  const known = layerClasses();
  const unknown = findUnknownLayers(topology.model, topology.path, known);
  if (unknown.length > 0 && !options.allowUnknown) {
    const first = unknown[0];
    const why = UNKNOWABLE[first.className] ?? `its class ${first.className} is neither a Keras layer tfjs has nor one merge-summary adds (a custom layer?)`;
    const more = unknown.length > 1 ? ` (and ${unknown.length - 1} more such layer${unknown.length > 2 ? 's' : ''})` : '';
    throw new UserError(
      `layer "${first.name}" (${first.className}) cannot be summarised: ${why}${more}. With --allow-unknown it is taken as keeping its input's shape, and it and the layers after it are marked unverified`,
      { file: topology.file, path: first.path },
    );
  }
  const gru = findResetAfterGru(topology.model, topology.path);
  if (gru) {
    throw new UserError(
      `layer "${gru.name}" (GRU) has reset_after: true (the default since Keras 2.3), a GRU that TensorFlow.js cannot build (it has only reset_after: false); merge-summary cannot count this model yet`,
      { file: topology.file, path: gru.path },
    );
  }
  const placeholders: Record<string, unknown> = {};
  for (const { className } of unknown) placeholders[className] ??= unknownLayerClass(className);

  const config = kerasToTfjs(topology.model) as { className: string; config: object };
  const [cls, fromConfig] = tfc.serialization.SerializationMap.getMap().classNameMap[config.className] as [unknown, FromConfig];
  let model: LayersModel;
  try {
    model = withPlaceholders(placeholders, () => fromConfig(cls, config.config));
  } catch (error) {
    throw new UserError(`the model cannot be built: ${tfjsMessage(error)}`, { file: topology.file, path: topology.path });
  }
  const derived = graphFromModel(model, topology.file, { file: topology.file, path: topology.path }, placeholders);
  const { tensors, layers } = derived;
  const graph = { ...derived.graph, name: topology.name ?? baseName(topology.file.replace(/:config\.json$/, '')) };
  const unverified = unverifiedLayers(graph.calls, new Set(unknown.map((u) => u.className)), layers);
  const warnings = [
    ...unknown.map((u) => `layer "${u.name}" (${u.className}) is unknown; it is taken as keeping its input's shape, so its row and the rows after it are unverified`),
    ...(topology.weights ? weightWarnings(model, topology.weights) : []),
  ];
  return { model, graph, tensors, layers, warnings, unverified };
}

interface UnknownLayer {
  name: string;
  className: string;
  path: DocPath;
}

function findUnknownLayers(model: Record<string, unknown>, path: DocPath, known: Map<string, unknown>): UnknownLayer[] {
  const config = model.config as { layers: Record<string, unknown>[] };
  return config.layers.flatMap((layer, i) => {
    const className = String(layer.class_name);
    const layerPath = [...path, 'config', 'layers', i];
    if (MODEL_CLASSES.has(className)) return findUnknownLayers(layer, layerPath, known);
    const name = String(layer.name ?? (isObject(layer.config) ? layer.config.name : className));
    return known.has(className) && !UNKNOWABLE[className] ? [] : [{ name, className, path: layerPath }];
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
function unverifiedLayers(calls: BuiltModel['graph']['calls'], unknownClasses: Set<string>, layers: Map<string, Layer>): Map<string, string> {
  const unverified = new Map<string, string>();
  const unverifiedLabels = new Set<string>();
  for (const call of calls) {
    const layer = layers.get(call.layer);
    const source = unknownClasses.has(layer?.getClassName() ?? '') ? call.layer : call.from.map((ref) => ref.label).find((label) => unverifiedLabels.has(label));
    if (source === undefined) continue;
    unverifiedLabels.add(call.label);
    if (!unverified.has(call.layer)) {
      unverified.set(call.layer, source === call.layer ? 'unknown layer: taken as keeping its input shape' : `after the unknown layer ${unknownOrigin(unverified, source)}`);
    }
  }
  return unverified;
}

function unknownOrigin(unverified: Map<string, string>, label: string): string {
  const name = label.split('#')[0];
  const reason = unverified.get(name);
  return reason?.startsWith('after the unknown layer ') ? reason.slice('after the unknown layer '.length) : `"${name}"`;
}
