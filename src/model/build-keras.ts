import { UserError, type DocPath } from '../errors.js';
import { isObject, MODEL_CLASSES, type KerasTopology } from '../spec/keras-config.js';
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
    ...manifestWarnings(model, topology),
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

/**
 * A TF.js file lists every weight with its shape. Each layer's parameter count
 * must equal its weights' sizes there; a difference means the model built
 * here is not the file's model.
 */
function manifestWarnings(model: LayersModel, topology: KerasTopology): string[] {
  if (!topology.weightsManifest) return [];
  const fromManifest = new Map<string, number>();
  for (const weight of topology.weightsManifest) {
    const parts = String(weight.name).split('/');
    const layer = parts.length > 1 ? parts[parts.length - 2] : parts[0];
    const size = (weight.shape ?? []).reduce((product, dim) => product * dim, 1);
    fromManifest.set(layer, (fromManifest.get(layer) ?? 0) + size);
  }
  const warnings: string[] = [];
  for (const layer of leafLayers(model)) {
    const counted = layer.countParams();
    const listed = fromManifest.get(layer.name) ?? 0;
    if (counted !== listed && (counted > 0 || fromManifest.has(layer.name))) {
      warnings.push(`layer "${layer.name}" (${layer.getClassName()}) counts ${counted} parameters but the weights manifest lists ${listed}: the model built here differs from the file's`);
    }
  }
  return warnings;
}

function leafLayers(model: LayersModel): Layer[] {
  return model.layers.flatMap((layer) => ('layers' in layer && Array.isArray((layer as LayersModel).layers) ? leafLayers(layer as LayersModel) : [layer]));
}
