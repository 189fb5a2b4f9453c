import { UserError, isObject, isPrototypeKey, quoteValue, setOwn, type DocPath, type SourceLocation } from '../core/errors.js';
import { canonicalClass } from '../core/keras-classes.js';
import { MAX_RANK } from '../core/shapes.js';
import { KERAS_OP_PREFIX, OPERAND_TENSOR, weightPolicyOf } from '../core/keras-names.js';
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

/** Where each layer entry of a normalised configuration sits in the user's document. */
const entryPaths = new WeakMap<object, DocPath>();

/** The document path of a layer entry of KerasTopology.model (a layer or a nested model). */
export function entryPath(entry: object): DocPath | undefined {
  return entryPaths.get(entry);
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
    if (doc.weightsManifest !== undefined) weights = manifestListing(doc.weightsManifest, file, ['weightsManifest']);
  }
  if (!isObject(model) || typeof model.class_name !== 'string' || !MODEL_CLASSES.has(model.class_name)) {
    throw new UserError('keras-config', 'the model topology must be a Sequential, Functional or Model configuration with "class_name" and "config"', { file, path });
  }
  const normalized = normalizeModel(model, path, file);
  const name = (normalized.config as Json).name;
  return { model: normalized, name: typeof name === 'string' ? name : undefined, file, path, kerasVersion, weights };
}

function normalizeModel(model: Json, path: DocPath, file: string): Json {
  const at = (p: DocPath): SourceLocation => ({ file, path: p });
  let config = model.config;
  // Keras 2.0's Sequential config is the bare list of layers.
  if (Array.isArray(config)) config = { layers: config };
  if (!isObject(config) || !Array.isArray(config.layers)) {
    throw new UserError('keras-config', `the ${String(model.class_name)} configuration has no list of "layers"`, at([...path, 'config']));
  }
  if (config.name !== undefined && (typeof config.name !== 'string' || config.name.length === 0)) {
    throw new UserError('keras-config', `the model's name must be a non-empty string, not ${describeValue(config.name)}`, at([...path, 'config', 'name']));
  }
  const layersPath = Array.isArray(model.config) ? [...path, 'config'] : [...path, 'config', 'layers'];
  const functional = model.class_name !== 'Sequential';
  refuseRepeatedNames(config.layers, layersPath, file, functional);
  const nestedModels = new Set(
    config.layers.filter((layer) => isObject(layer) && MODEL_CLASSES.has(String(layer.class_name))).map((layer) => String((layer as Json).name ?? (layer as Json & { config: Json }).config?.name)),
  );
  const layers = config.layers.map((layer, i) => normalizeLayer(layer, [...layersPath, i], file, nestedModels, functional));
  // A Sequential takes its input shape from its first layer only; Keras ignores a batch_input_shape further on
  // (a layer built standalone first), where tfjs would check the input against it.
  if (!functional) {
    for (const layer of layers.slice(1)) if (isObject(layer.config) && !MODEL_CLASSES.has(String(layer.class_name))) delete layer.config.batch_input_shape;
  }
  const out: Json = { ...stripKeras3(config), layers };
  if (functional) {
    for (const key of ['input_layers', 'output_layers']) out[key] = readRefList(config[key], key, [...path, 'config', key], file);
    checkWiring(out, layersPath, [...path, 'config'], file);
  }
  return { class_name: model.class_name, config: out };
}

/** A layer entry's name: Keras 3 writes it beside the config, Keras 2 and TF.js inside it. */
function entryName(layer: Json): unknown {
  return layer.name ?? (isObject(layer.config) ? layer.config.name : undefined);
}

/**
 * Keras refuses a model whose layers share a name ("The name "d" is used 2
 * times in the model"); tfjs would merge them silently, or wait forever for
 * a call of the one it dropped. A functional model's wiring names layers, so
 * there every layer needs a name.
 */
function refuseRepeatedNames(layers: unknown[], layersPath: DocPath, file: string, functional: boolean): void {
  const seen = new Map<string, number>();
  layers.forEach((layer, i) => {
    if (!isObject(layer)) return;
    const name = entryName(layer);
    if (name === undefined && !functional) return;
    if (name === undefined) throw new UserError('keras-config', `layer ${i + 1} has no name; a functional model's wiring refers to its layers by name`, { file, path: [...layersPath, i] });
    if (typeof name !== 'string' || name.length === 0) throw new UserError('keras-config', `a layer's name must be a non-empty string, not ${describeValue(name)}`, { file, path: [...layersPath, i] });
    const first = seen.get(name);
    if (first !== undefined) {
      throw new UserError(
        'keras-config',
        `the name "${name}" is used by layers ${first + 1} and ${i + 1}; Keras rejects a model whose layer names repeat ("All ${functional ? 'operation' : 'layer'} names should be unique")`,
        { file, path: [...layersPath, i] },
      );
    }
    seen.set(name, i);
  });
}

function normalizeLayer(layer: unknown, path: DocPath, file: string, nestedModels: Set<string>, functional: boolean): Json {
  if (!isObject(layer) || typeof layer.class_name !== 'string' || !isObject(layer.config)) {
    throw new UserError('keras-config', 'each layer needs "class_name" and "config"', { file, path });
  }
  if (isPrototypeKey(layer.class_name)) throw notAClass(layer.class_name, { file, path: [...path, 'class_name'] });
  for (const [value, where] of [[layer.name, 'name'], [layer.config.name, ['config', 'name']]] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
      throw new UserError('keras-config', `a layer's name must be a non-empty string, not ${describeValue(value)}`, { file, path: [...path, ...[where].flat()] });
    }
  }
  const name = typeof layer.name === 'string' ? layer.name : (layer.config.name as string | undefined);
  if (isOperationEntry(layer)) return normalizeOperation(layer, path, file, nestedModels, name ?? layer.class_name, functional);
  const inboundNodes = () => normalizeInboundNodes(layer.inbound_nodes, nestedModels, [...path, 'inbound_nodes'], file, name ?? '', MODEL_CLASSES.has(layer.class_name as string));
  if (MODEL_CLASSES.has(layer.class_name)) {
    if (name === undefined) throw new UserError('keras-config', `a nested ${layer.class_name} needs a name ("name" in its config)`, { file, path });
    const nested = normalizeModel(layer, path, file);
    // tfjs files the nested model's calls under its own name: without one, under a made-up name no reference reaches, forever.
    (nested.config as Json).name = name;
    const entry = { ...nested, name, ...(functional ? { inbound_nodes: inboundNodes() } : {}) };
    entryPaths.set(entry, path);
    return entry;
  }
  const config = dropShapeNeutral(normalizeValue(layer.config, [...path, 'config'], file) as Json);
  if (layer.class_name === 'InputLayer' && config.batch_shape !== undefined && config.batch_input_shape === undefined) {
    config.batch_input_shape = config.batch_shape;
    delete config.batch_shape;
  }
  for (const key of ['batch_input_shape', 'batch_shape']) {
    if (config[key] === undefined) continue;
    const written = key === 'batch_input_shape' && layer.config.batch_input_shape === undefined ? 'batch_shape' : key;
    checkDeclaredShape(config[key], written, [...path, 'config', written], file, name ?? layer.class_name);
  }
  // Keras reads its other names for a class (Convolution2D, MaxPool2D, GlobalAvgPool2D) as the class, and prints the class.
  const out: Json = { class_name: canonicalClass(layer.class_name), config };
  if (name !== undefined) out.name = name;
  if (functional) out.inbound_nodes = inboundNodes();
  entryPaths.set(out, path);
  return out;
}

/** A Keras 3 functional op node: a keras.ops call saved as an entry of module keras.src.ops.<module>. */
function isOperationEntry(layer: Json): boolean {
  return typeof layer.module === 'string' && /^keras(\.src)?\.ops(\.|$)/.test(layer.module);
}

/**
 * An op node becomes a layer of class keras.ops.<Class> whose configuration
 * holds the op's own arguments and `operands`: the call's positional
 * arguments, each tensor replaced by OPERAND_TENSOR, constants as written
 * (`ops.add(x, 3)` gives [TENSOR, 3]). Its inputs are the tensors, in order.
 * Keras makes a new op for every call, so an op node is called once.
 */
function normalizeOperation(layer: Json, path: DocPath, file: string, nestedModels: Set<string>, name: string, functional: boolean): Json {
  const at = (p: DocPath): SourceLocation => ({ file, path: [...path, ...p] });
  const nodes = layer.inbound_nodes;
  if (!functional || !Array.isArray(nodes) || nodes.length !== 1 || !isObject(nodes[0]) || !('args' in nodes[0])) {
    throw new UserError('keras-config', `"${name}" is a keras.ops ${String(layer.class_name)} node, which a Keras 3 functional model calls exactly once, with {"args", "kwargs"}`, at(nodes === undefined ? [] : ['inbound_nodes']));
  }
  const node = nodes[0] as Json;
  if (isObject(node.kwargs) && hasKerasTensor(node.kwargs)) {
    throw new UserError('keras-config', `"${name}" (keras.ops ${String(layer.class_name)}) takes a tensor by keyword; merge-summary reads an op's tensors from its positional arguments only`, at(['inbound_nodes', 0, 'kwargs']));
  }
  const tensors: NodeRef[] = [];
  collectKerasTensors(node.args, tensors, nestedModels);
  if (tensors.length === 0) throw new UserError('wiring', `"${name}" (keras.ops ${String(layer.class_name)}) takes no input tensors`, at(['inbound_nodes', 0]));
  const operands = (Array.isArray(node.args) ? node.args : [node.args]).map(operandTemplate);
  const config = normalizeValue(layer.config, [...path, 'config'], file) as Json;
  const out: Json = { class_name: `${KERAS_OP_PREFIX}${String(layer.class_name)}`, config: { ...config, name, operands }, name, inbound_nodes: [tensors] };
  entryPaths.set(out, path);
  return out;
}

function hasKerasTensor(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasKerasTensor);
  if (!isObject(value)) return false;
  return value.class_name === '__keras_tensor__' || Object.values(value).some(hasKerasTensor);
}

/**
 * An op's argument with every tensor replaced by OPERAND_TENSOR; a slice
 * (`x[:, 0]`'s key) as {slice: [start, stop, step]}, Keras's Ellipsis as
 * {ellipsis: true}.
 */
function operandTemplate(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(operandTemplate);
  if (isObject(value) && value.class_name === '__keras_tensor__') return { ...OPERAND_TENSOR };
  if (isObject(value) && value.class_name === '__slice__' && isObject(value.config)) return { slice: [value.config.start ?? null, value.config.stop ?? null, value.config.step ?? null] };
  if (isObject(value) && value.class_name === '__ellipsis__') return { ellipsis: true };
  return value;
}

/** A declared input shape: the batch then each dimension, every one null (any size) or a positive whole number. */
function checkDeclaredShape(shape: unknown, key: string, path: DocPath, file: string, layer: string): void {
  if (!Array.isArray(shape) || shape.length === 0) throw new UserError('keras-config', `layer "${layer}": "${key}" must be a list of dimensions, not ${describeValue(shape)}`, { file, path });
  if (shape.length > MAX_RANK) throw new UserError('keras-config', `layer "${layer}": "${key}" has ${shape.length} dimensions; a tensor has at most ${MAX_RANK} (TensorFlow's limit)`, { file, path });
  shape.forEach((dim, i) => {
    if (dim === null || (typeof dim === 'number' && Number.isSafeInteger(dim) && dim > 0)) return;
    throw new UserError('keras-config', `layer "${layer}": dimension ${i} of "${key}" is ${describeValue(dim)}; each must be a positive whole number (at most 2^53 - 1) or null`, { file, path: [...path, i] });
  });
}

/**
 * Keras 3 writes a call as {args, kwargs} with __keras_tensor__ objects whose
 * keras_history is [layer, node, tensor]; Keras 2 as lists of
 * [layer, node, tensor, kwargs]. Keras 3 numbers a nested model's calls from
 * 0; Keras 2 and tfjs count the nested model's own construction as node 0.
 */
function normalizeInboundNodes(nodes: unknown, nestedModels: Set<string>, path: DocPath, file: string, layer: string, isModel: boolean): NodeRef[][] {
  if (nodes === undefined) return [];
  if (!Array.isArray(nodes)) throw new UserError('keras-config', `layer "${layer}": "inbound_nodes" must be a list of calls, not ${describeValue(nodes)}`, { file, path });
  return nodes.map((node, n) => {
    const at = { file, path: [...path, n] };
    let refs: unknown[];
    if (isObject(node)) {
      if (!('args' in node)) throw new UserError('keras-config', `layer "${layer}": call ${n} must be a list of [layer, call, output] references or Keras 3's {"args", "kwargs"}`, at);
      refs = keras3CallInputs(node, nestedModels, layer, n, file, path, isModel);
      // Call arguments that change a layer's output shape go with the call, as Keras 2 wrote call kwargs.
      const shaping = isObject(node.kwargs) ? Object.entries(node.kwargs).filter(([key]) => SHAPING_CALL_ARGUMENTS.has(key)) : [];
      if (shaping.length > 0) refs = (refs as NodeRef[]).map((ref) => [ref[0], ref[1], ref[2], { ...(isObject(ref[3]) ? ref[3] : {}), ...Object.fromEntries(shaping) }] as NodeRef);
    } else if (Array.isArray(node)) {
      refs = node;
    } else {
      throw new UserError('keras-config', `layer "${layer}": call ${n} must be a list of [layer, call, output] references, not ${describeValue(node)}`, at);
    }
    // tfjs waits for the inputs of a call; a call with none is never made, and its model never finishes building.
    if (refs.length === 0) throw new UserError('wiring', `layer "${layer}": call ${n} takes no input tensors; every call of a layer in a functional model takes at least one`, at);
    return refs.map((ref, r) => {
      if (!isNodeRef(ref)) throw new UserError('wiring', `layer "${layer}": call ${n} takes ${describeValue(ref)}, which is not a [layer, call, output] reference`, { file, path: Array.isArray(node) ? [...path, n, r] : [...path, n] });
      return ref;
    });
  });
}

/** A reference to an output of a call of a layer: [name, call, output], optionally followed by keyword arguments. */
function isNodeRef(ref: unknown): ref is NodeRef {
  return Array.isArray(ref) && ref.length >= 3 && ref.length <= 4 && typeof ref[0] === 'string' && isIndex(ref[1]) && isIndex(ref[2]) && (ref[3] === undefined || isObject(ref[3]));
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A value as a message shows it: short, whatever its size. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = quoteValue(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/**
 * Keyword arguments of a Keras 3 call that are the layer's inputs, in the
 * order its call takes them: a call may name its inputs (`mha(query=q,
 * value=v, key=k)`), and an RNN's initial states are inputs after its
 * sequence (tfjs takes them as inputs[1:], as Keras 2 did).
 */
const INPUT_KEYWORDS = ['inputs', 'sequences', 'sequence', 'x', 'query', 'value', 'key', 'initial_state', 'constants'];

/** Keyword arguments whose tensors Keras's graph has as inputs of the call, but which change no shape: masks, and a tensor `training`. */
function isKeywordEdge(name: string): boolean {
  return name === 'mask' || name === 'training' || name.endsWith('_mask');
}

/**
 * A Keras 3 call's inputs: the tensors of its positional arguments and of
 * the keyword arguments that are inputs, then the tensors Keras's graph has
 * beside them (a `mask` by keyword), each marked as a keyword input so that
 * the layer is not given them (model/tfjs.ts, KEYWORD_INPUTS): their op
 * nodes are rows and "Connected to" lists them, as in Keras's summary.
 */
function keras3CallInputs(node: Json, nestedModels: Set<string>, layer: string, n: number, file: string, path: DocPath, isModel: boolean): NodeRef[] {
  // A model takes other positional arguments (Functional allows them); a layer only tensors.
  const constant = isModel ? undefined : firstConstant(node.args);
  if (typeof constant === 'number' || typeof constant === 'boolean') {
    // Keras 3's .h5 files lose an op node's module, and its `ops.add(x, 3.0)` reads as the layer Add called on 3.0.
    throw new UserError(
      'wiring',
      `layer "${layer}": call ${n} takes ${describeValue(constant)} among its positional arguments, which Keras refuses ("Only input tensors may be passed as positional arguments"): a keras.ops call saved without the module that marks it as one (as Keras 3's .h5 format saves it) cannot be read back, by Keras either; the .keras format keeps it`,
      { file, path: [...path, n, 'args'] },
    );
  }
  const positional: NodeRef[] = [];
  collectKerasTensors(node.args, positional, nestedModels);
  const kwargs = isObject(node.kwargs) ? node.kwargs : {};
  for (const key of INPUT_KEYWORDS) if (Object.prototype.hasOwnProperty.call(kwargs, key)) collectKerasTensors(kwargs[key], positional, nestedModels);
  const keyword: NodeRef[] = [];
  const names: string[] = [];
  // Keras flattens a call's keyword arguments in the order of their names (tree.flatten sorts a dict's keys).
  for (const key of Object.keys(kwargs).filter((k) => !INPUT_KEYWORDS.includes(k)).sort()) {
    const tensors: NodeRef[] = [];
    collectKerasTensors(kwargs[key], tensors, nestedModels);
    if (tensors.length === 0) continue;
    if (!isKeywordEdge(key)) {
      throw new UserError('wiring', `layer "${layer}": call ${n} passes a tensor as its keyword argument "${key}", which merge-summary does not know how the layer takes`, { file, path: [...path, n, 'kwargs', key] });
    }
    keyword.push(...tensors);
    names.push(...tensors.map(() => key));
  }
  if (keyword.length === 0) return positional;
  const marker = { [KEYWORD_INPUTS_KEY]: names };
  return [...positional, ...keyword].map((ref) => [ref[0], ref[1], ref[2], marker] as NodeRef);
}

/** The first value of a call's positional arguments that is neither a tensor nor None. */
function firstConstant(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstConstant(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value === null || value === undefined) return undefined;
  if (isObject(value) && value.class_name === '__keras_tensor__') return undefined;
  return isObject(value) ? Object.values(value).map(firstConstant).find((found) => found !== undefined) : value;
}

/** The kwargs key model/tfjs.ts's KEYWORD_INPUTS reads (readers do not import the model layer). */
const KEYWORD_INPUTS_KEY = 'keywordInputs';

function collectKerasTensors(value: unknown, out: NodeRef[], nestedModels: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectKerasTensors(item, out, nestedModels);
  } else if (isObject(value)) {
    if (value.class_name === '__keras_tensor__' && isObject(value.config) && Array.isArray(value.config.keras_history)) {
      const [layer, node, tensor] = value.config.keras_history as unknown[];
      out.push([layer, typeof layer === 'string' && nestedModels.has(layer) && typeof node === 'number' ? node + 1 : node, tensor, {}] as NodeRef);
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
    if (weightPolicyOf(key) !== undefined || key === 'implementation') continue;
    setOwn(kept, key, value);
  }
  return kept;
}

type NodeRef = [string, number, number, ...unknown[]];

/**
 * Non-tensor call arguments a layer's output shape depends on: ReversibleEmbedding's
 * reverse (a projection back to the vocabulary), the attention layers'
 * return_attention_scores (a second output).
 */
const SHAPING_CALL_ARGUMENTS = new Set(['reverse', 'return_attention_scores']);

/**
 * tfjs builds a functional model by calling each layer once the calls it
 * takes exist, deferring the rest until none is left; a reference to a layer
 * or call that never comes makes it loop forever. This runs the same order on
 * the names alone, so such a file is an error that says which reference.
 * Each entry waits on the one layer whose next call it needs, and is looked
 * at again only when that layer is called: linear in the references.
 */
function checkWiring(config: Json, layersPath: DocPath, configPath: DocPath, file: string): void {
  const layers = config.layers as Json[];
  const calls = new Map<string, number>();
  const entries = layers.map((layer, index) => {
    const name = String(entryName(layer));
    // An input is called once by being; a nested model once by its construction.
    calls.set(name, layer.class_name === 'InputLayer' || MODEL_CLASSES.has(String(layer.class_name)) ? 1 : 0);
    return { layer: name, index, nodes: layer.inbound_nodes as NodeRef[][], node: 0, ref: 0 };
  });
  const ready = (ref: NodeRef) => (calls.get(ref[0]) ?? 0) > ref[1];
  const waiting = new Map<string, (typeof entries)[number][]>();
  const queue = [...entries];
  while (queue.length > 0) {
    const entry = queue.pop() as (typeof entries)[number];
    while (entry.node < entry.nodes.length) {
      const refs = entry.nodes[entry.node];
      while (entry.ref < refs.length && ready(refs[entry.ref])) entry.ref += 1;
      if (entry.ref < refs.length) {
        const awaited = refs[entry.ref][0];
        if (!waiting.has(awaited)) waiting.set(awaited, []);
        (waiting.get(awaited) as (typeof entries)[number][]).push(entry);
        break;
      }
      entry.node += 1;
      entry.ref = 0;
      calls.set(entry.layer, (calls.get(entry.layer) ?? 0) + 1);
      const woken = waiting.get(entry.layer);
      if (woken) {
        waiting.delete(entry.layer);
        for (const other of woken) queue.push(other);
      }
    }
  }
  const stuck = entries.find((entry) => entry.node < entry.nodes.length);
  if (stuck) {
    const ref = stuck.nodes[stuck.node][stuck.ref];
    throw new UserError('wiring', `layer "${stuck.layer}" ${describeMissing(ref, calls, 'takes')}`, { file, path: [...layersPath, stuck.index, 'inbound_nodes', stuck.node] });
  }
  for (const key of ['input_layers', 'output_layers']) {
    const refs = config[key] as NodeRef[];
    refs.forEach((ref, i) => {
      if (!ready(ref)) throw new UserError('wiring', `the model's ${key.replace('_', ' ')} ${describeMissing(ref, calls, 'name')}`, { file, path: [...configPath, key, i] });
    });
  }
}

/** What is wrong with a reference; `verb` says what the referring entry does with it ("takes", "name"). */
function describeMissing(ref: NodeRef, calls: Map<string, number>, verb: string): string {
  const made = calls.get(ref[0]);
  if (made === undefined) return `${verb} "${ref[0]}", which names no layer of the model`;
  return `${verb} call ${ref[1]} of "${ref[0]}", which is never made (it has ${made}); a reference to a missing call, or a cycle`;
}

/**
 * input_layers / output_layers: a non-empty list of references. Keras 3
 * writes a single one without the outer list; tf.keras a dict of named
 * references ({"data_in": ["input_5", 0, 0]}) for a model built with dict
 * inputs or outputs.
 */
function readRefList(value: unknown, key: string, path: DocPath, file: string): NodeRef[] {
  const given = isObject(value) ? Object.values(value) : Array.isArray(value) && typeof value[0] === 'string' ? [value] : value;
  // Keras 3 writes the outputs of a layer with nested outputs (an RNN of stacked cells returning its states) nested, as the model returns them; Keras flattens them.
  const list = Array.isArray(given) ? given.flatMap(flattenRefs) : given;
  const what = key.replace('_', ' ');
  if (!Array.isArray(list) || list.length === 0) {
    throw new UserError('keras-config', `a functional model needs "${key}", a list of [layer, call, output] references to its ${what}; found ${describeValue(value)}`, { file, path });
  }
  return list.map((ref, i) => {
    if (!isNodeRef(ref)) throw new UserError('wiring', `the model's ${what} name ${describeValue(ref)}, which is not a [layer, call, output] reference`, { file, path: list.length === (given as unknown[]).length && given === value ? [...path, i] : path });
    return ref;
  });
}

/** A reference, or a nested list of them, as a flat list. */
function flattenRefs(item: unknown): unknown[] {
  return Array.isArray(item) && item.length > 0 && Array.isArray(item[0]) ? item.flatMap(flattenRefs) : [item];
}

/**
 * A TF.js weights manifest ([{paths, weights: [{name, shape, dtype}]}]):
 * each weight's name is the path of its layer, then its own name. Only names
 * and shapes are read (to compare counts); anything else there is a damaged
 * file, refused where it is (`root`: where the manifest sits in the file).
 */
export function manifestListing(manifest: unknown, file: string, root: DocPath = [], source = 'the weights manifest'): WeightListing {
  const at = (path: DocPath) => ({ file, path: [...root, ...path] });
  if (!Array.isArray(manifest)) throw new UserError('keras-config', `"weightsManifest" must be a list of weight groups, not ${describeValue(manifest)}`, at([]));
  const weights = manifest.flatMap((group, g) => {
    if (!isObject(group) || !Array.isArray(group.weights)) throw new UserError('keras-config', `weight group ${g + 1} must have a list of "weights"`, at([g]));
    return group.weights.map((weight, w) => {
      if (!isObject(weight) || typeof weight.name !== 'string') throw new UserError('keras-config', `weight ${w + 1} of group ${g + 1} must have a "name" and a "shape"`, at([g, 'weights', w]));
      const shape = weight.shape;
      if (!Array.isArray(shape) || !shape.every(isIndex)) {
        throw new UserError('keras-config', `weight "${weight.name}": "shape" must be a list of whole numbers, not ${describeValue(shape)}`, at([g, 'weights', w, ...(shape === undefined ? [] : ['shape'])]));
      }
      return { name: weight.name, shape: shape as number[], locator: { kind: 'names' as const, names: weight.name.split('/').slice(0, -1) } };
    });
  });
  return { source, weights };
}

/**
 * Keras 3 objects ({module, class_name, config, registered_name}) become
 * Keras 2's ({class_name, config}); a DTypePolicy becomes its dtype name.
 */
function normalizeValue(value: unknown, path: DocPath, file: string): unknown {
  if (Array.isArray(value)) return value.map((item, i) => normalizeValue(item, [...path, i], file));
  if (!isObject(value)) return value;
  if (typeof value.class_name === 'string' && isPrototypeKey(value.class_name)) throw notAClass(value.class_name, { file, path: [...path, 'class_name'] });
  if (value.class_name === 'DTypePolicy' || value.class_name === 'Policy') {
    const config = value.config as Json | undefined;
    // A mixed policy keeps its name: its weights are float32 (kerasVariableDtype), not its compute dtype's.
    return typeof config?.name === 'string' ? config.name : 'float32';
  }
  const out: Json = {};
  for (const [key, item] of Object.entries(stripKeras3(value))) {
    // JSON makes "__proto__" an ordinary key; no Keras configuration has one, and copying it would replace a prototype.
    if (key === '__proto__') throw new UserError('keras-config', 'a configuration key "__proto__" is no Keras argument', { file, path: [...path, key] });
    setOwn(out, key, normalizeValue(item, [...path, key], file));
  }
  return out;
}

function notAClass(name: string, at: SourceLocation): UserError {
  return new UserError('unknown-class', `"${name}" names no Keras class (it is a name every JavaScript object has)`, at);
}

function stripKeras3(value: Json): Json {
  const { module: _module, registered_name: _registered, build_config: _build, compile_config: _compile, shared_object_id: _shared, ...rest } = value;
  return rest;
}
