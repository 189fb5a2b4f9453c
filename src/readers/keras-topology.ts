import { UserError, isObject, type DocPath, type SourceLocation } from '../core/errors.js';
import type { WeightListing } from './weight-listing.js';

/** Keras class names of models, which can also be layers of other models. */
export const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

type Json = Record<string, unknown>;

/** A Keras model configuration in the form tfjs-layers deserializes (Keras 2's), with where it came from. */
export interface KerasTopology {
  /** {class_name, config} of the model, Keras 2 style. */
  model: Json;
  /** The model's own name, when its configuration has one. */
  name?: string;
  file: string;
  /** Where the model config sits in the document, to point errors at layers. */
  path: DocPath;
  kerasVersion?: string;
  /** The weights the file lists (a TF.js weights manifest, an .h5 file's model_weights/), with their shapes. */
  weights?: WeightListing;
}

/** Does this document look like a Keras or TF.js model rather than a merge-summary spec? */
export function isKerasDocument(doc: unknown): doc is Record<string, unknown> {
  return isObject(doc) && (isObject(doc.modelTopology) || (typeof doc.class_name === 'string' && MODEL_CLASSES.has(doc.class_name) && doc.config !== undefined));
}

/**
 * Brings the model configurations Keras and TF.js write to the one form
 * tfjs-layers' deserializer reads: TF.js model.json (with or without
 * "model_config"), Keras 2 to_json(), and Keras 3's format (module and
 * registered_name fields, DTypePolicy objects, batch_shape, and call
 * arguments holding __keras_tensor__ references).
 */
export function readKerasTopology(doc: Json, file: string): KerasTopology {
  let model: unknown = doc;
  let path: DocPath = [];
  let kerasVersion = typeof doc.keras_version === 'string' ? doc.keras_version : undefined;
  let weights: WeightListing | undefined;
  if (isObject(doc.modelTopology)) {
    const topology = doc.modelTopology;
    kerasVersion = typeof topology.keras_version === 'string' ? topology.keras_version : kerasVersion;
    [model, path] = isObject(topology.model_config) ? [topology.model_config, ['modelTopology', 'model_config']] : [topology, ['modelTopology']];
    if (Array.isArray(doc.weightsManifest)) weights = manifestListing(doc.weightsManifest);
  }
  if (!isObject(model) || typeof model.class_name !== 'string' || !MODEL_CLASSES.has(model.class_name)) {
    throw new UserError('keras-config', 'the model topology must be a Sequential, Functional or Model configuration with "class_name" and "config"', { file, path });
  }
  const normalized = normalizeModel(model, path, file);
  const name = (normalized.config as Json).name;
  return { model: normalized, name: typeof name === 'string' ? name : undefined, file, path, kerasVersion, weights };
}

/** A TF.js weights manifest ([{paths, weights: [{name, shape, dtype}]}]): each weight's name is the path of its layer, then its own name. */
export function manifestListing(manifest: unknown[], source = 'the weights manifest'): WeightListing {
  const entries = manifest.flatMap((group) => (isObject(group) && Array.isArray(group.weights) ? group.weights : [])) as { name?: unknown; shape?: unknown }[];
  return {
    source,
    weights: entries.map((entry) => {
      const name = String(entry.name);
      const shape = Array.isArray(entry.shape) ? entry.shape.map(Number) : [];
      return { name, shape, locator: { kind: 'names', names: name.split('/').slice(0, -1) } };
    }),
  };
}

function normalizeModel(model: Json, path: DocPath, file: string): Json {
  const at = (p: DocPath): SourceLocation => ({ file, path: p });
  let config = model.config;
  // Keras 2.0's Sequential config is the bare list of layers.
  if (Array.isArray(config)) config = { layers: config };
  if (!isObject(config) || !Array.isArray(config.layers)) {
    throw new UserError('keras-config', `the ${String(model.class_name)} configuration has no list of "layers"`, at([...path, 'config']));
  }
  const layersPath = Array.isArray(model.config) ? [...path, 'config'] : [...path, 'config', 'layers'];
  const nestedModels = new Set(
    config.layers.filter((layer) => isObject(layer) && MODEL_CLASSES.has(String(layer.class_name))).map((layer) => String((layer as Json).name ?? (layer as Json & { config: Json }).config?.name)),
  );
  const layers = config.layers.map((layer, i) => normalizeLayer(layer, [...layersPath, i], file, nestedModels));
  // A Sequential takes its input shape from its first layer only; Keras ignores a batch_input_shape further on
  // (a layer built standalone first), where tfjs would check the input against it.
  if (model.class_name === 'Sequential') {
    for (const layer of layers.slice(1)) if (isObject(layer.config) && !MODEL_CLASSES.has(String(layer.class_name))) delete layer.config.batch_input_shape;
  }
  const out: Json = { ...stripKeras3(config), layers };
  if (config.input_layers !== undefined) out.input_layers = refList(config.input_layers);
  if (config.output_layers !== undefined) out.output_layers = refList(config.output_layers);
  if (model.class_name !== 'Sequential') checkWiring(out, layersPath, [...path, 'config'], file);
  return { class_name: model.class_name, config: out };
}

function normalizeLayer(layer: unknown, path: DocPath, file: string, nestedModels: Set<string>): Json {
  if (!isObject(layer) || typeof layer.class_name !== 'string' || !isObject(layer.config)) {
    throw new UserError('keras-config', 'each layer needs "class_name" and "config"', { file, path });
  }
  const name = typeof layer.name === 'string' ? layer.name : (layer.config.name as string | undefined);
  if (MODEL_CLASSES.has(layer.class_name)) {
    const nested = normalizeModel(layer, path, file);
    return { ...nested, name, inbound_nodes: normalizeInboundNodes(layer.inbound_nodes, nestedModels) };
  }
  const config = dropShapeNeutral(normalizeValue(layer.config) as Json);
  if (layer.class_name === 'InputLayer' && config.batch_shape !== undefined && config.batch_input_shape === undefined) {
    config.batch_input_shape = config.batch_shape;
    delete config.batch_shape;
  }
  const out: Json = { class_name: layer.class_name, config };
  if (name !== undefined) out.name = name;
  if (layer.inbound_nodes !== undefined) out.inbound_nodes = normalizeInboundNodes(layer.inbound_nodes, nestedModels);
  return out;
}

/**
 * Keras 3 writes a call as {args, kwargs} with __keras_tensor__ objects whose
 * keras_history is [layer, node, tensor]; Keras 2 as lists of
 * [layer, node, tensor, kwargs]. Keras 3 numbers a nested model's calls from
 * 0; Keras 2 and tfjs count the nested model's own construction as node 0.
 */
function normalizeInboundNodes(nodes: unknown, nestedModels: Set<string>): unknown {
  if (!Array.isArray(nodes)) return nodes;
  return nodes.map((node) => {
    if (!isObject(node) || !('args' in node)) return node;
    const tensors: [string, number, number, Json][] = [];
    collectKerasTensors([node.args, node.kwargs], tensors, nestedModels);
    return tensors;
  });
}

function collectKerasTensors(value: unknown, out: [string, number, number, Json][], nestedModels: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectKerasTensors(item, out, nestedModels);
  } else if (isObject(value)) {
    if (value.class_name === '__keras_tensor__' && isObject(value.config) && Array.isArray(value.config.keras_history)) {
      const [layer, node, tensor] = value.config.keras_history as [string, number, number];
      out.push([layer, nestedModels.has(layer) ? node + 1 : node, tensor, {}]);
      return;
    }
    for (const item of Object.values(value)) collectKerasTensors(item, out, nestedModels);
  }
}

/**
 * Initializers, regularizers and constraints never change a shape or a
 * count, and Keras has some tfjs lacks (L2, OrthogonalRegularizer, ...); the
 * RNN "implementation" switch only picks a kernel. Left out, they stop no
 * summary.
 */
function dropShapeNeutral(config: Json): Json {
  const kept: Json = {};
  for (const [key, value] of Object.entries(config)) {
    if (/_(initializer|regularizer|constraint)$/.test(key) || key === 'implementation') continue;
    kept[key] = value;
  }
  return kept;
}

type NodeRef = [string, number, number, ...unknown[]];

/**
 * tfjs builds a functional model by calling each layer once the calls it
 * takes exist, deferring the rest until none is left; a reference to a layer
 * or call that never comes makes it loop forever. This runs the same order on
 * the names alone, so such a file is an error that says which reference.
 */
function checkWiring(config: Json, layersPath: DocPath, configPath: DocPath, file: string): void {
  const layers = config.layers as Json[];
  const calls = new Map<string, number>();
  const pending: { layer: string; index: number; nodes: NodeRef[][] }[] = [];
  layers.forEach((layer, index) => {
    const name = String(layer.name ?? (layer.config as Json).name);
    // An input is called once by being; a nested model once by its construction.
    calls.set(name, layer.class_name === 'InputLayer' || MODEL_CLASSES.has(String(layer.class_name)) ? 1 : 0);
    const nodes = (Array.isArray(layer.inbound_nodes) ? layer.inbound_nodes : []) as NodeRef[][];
    if (nodes.length > 0) pending.push({ layer: name, index, nodes: [...nodes] });
  });
  const ready = (ref: NodeRef) => Array.isArray(ref) && (calls.get(String(ref[0])) ?? 0) > Number(ref[1]);
  let progress = true;
  while (progress && pending.some((p) => p.nodes.length > 0)) {
    progress = false;
    for (const entry of pending) {
      while (entry.nodes.length > 0 && entry.nodes[0].every(ready)) {
        entry.nodes.shift();
        calls.set(entry.layer, (calls.get(entry.layer) ?? 0) + 1);
        progress = true;
      }
    }
  }
  const stuck = pending.find((p) => p.nodes.length > 0);
  if (stuck) {
    const ref = stuck.nodes[0].find((r) => !ready(r)) as NodeRef;
    const node = (layers[stuck.index].inbound_nodes as unknown[]).length - stuck.nodes.length;
    throw new UserError('wiring', `layer "${stuck.layer}" ${describeMissing(ref, calls, 'takes')}`, { file, path: [...layersPath, stuck.index, 'inbound_nodes', node] });
  }
  for (const key of ['input_layers', 'output_layers']) {
    const refs = (config[key] ?? []) as NodeRef[];
    refs.forEach((ref, i) => {
      if (!ready(ref)) throw new UserError('wiring', `the model's ${key.replace('_', ' ')} ${describeMissing(ref, calls, 'name')}`, { file, path: [...configPath, key, i] });
    });
  }
}

/** What is wrong with a reference; `verb` says what the referring entry does with it ("takes", "name"). */
function describeMissing(ref: NodeRef, calls: Map<string, number>, verb: string): string {
  if (!Array.isArray(ref) || typeof ref[0] !== 'string') return `${verb} ${JSON.stringify(ref)}, which is not a [layer, call, output] reference`;
  const made = calls.get(ref[0]);
  if (made === undefined) return `${verb} "${ref[0]}", which names no layer of the model`;
  return `${verb} call ${ref[1]} of "${ref[0]}", which is never made (it has ${made}); a reference to a missing call, or a cycle`;
}

/**
 * input_layers / output_layers: Keras 3 writes a single reference without the
 * outer list; tf.keras a dict of named references ({"data_in": ["input_5", 0, 0]})
 * for a model built with dict inputs or outputs.
 */
function refList(value: unknown): unknown {
  if (isObject(value)) return Object.values(value);
  return Array.isArray(value) && typeof value[0] === 'string' ? [value] : value;
}

/**
 * Keras 3 objects ({module, class_name, config, registered_name}) become
 * Keras 2's ({class_name, config}); a DTypePolicy becomes its dtype name.
 */
function normalizeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeValue);
  if (!isObject(value)) return value;
  if (value.class_name === 'DTypePolicy' || value.class_name === 'Policy') {
    const config = value.config as Json | undefined;
    return typeof config?.name === 'string' ? config.name.replace(/^mixed_/, '') : 'float32';
  }
  const out: Json = {};
  for (const [key, item] of Object.entries(stripKeras3(value))) out[key] = normalizeValue(item);
  return out;
}

function stripKeras3(value: Json): Json {
  const { module: _module, registered_name: _registered, build_config: _build, compile_config: _compile, shared_object_id: _shared, ...rest } = value;
  return rest;
}
