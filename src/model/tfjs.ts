import { readFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { FullShape } from '../core/shapes.js';

/**
 * The one module that touches TensorFlow.js beyond its documented API:
 * the serialization registry, the graph of a built model, the weight factory
 * of every layer, and backend switching. Everything here is pinned by
 * test/tfjs-contract.test.ts, so an upgrade of tfjs that changes any of it
 * fails there, not silently in a summary. The rest of the code imports tfjs
 * only through this module.
 */

// tfjs ships CommonJS bundles without an "exports" map. Importing them from ESM
// makes Node scan each multi-megabyte bundle for named exports (about 0.6 s);
// require() skips that scan, which keeps the whole summary under 0.25 s.
const require = createRequire(import.meta.url);

export type TfCore = typeof import('@tensorflow/tfjs-core');
export type TfLayers = typeof import('@tensorflow/tfjs-layers');

export const tfc: TfCore = require('@tensorflow/tfjs-core');

/**
 * tfjs-layers' Container constructor (every model tfjs builds, from a spec or
 * a file) takes time that grows with the square of the layers: membership
 * tests by Array.indexOf on lists as long as the model (the nodes finished
 * and in progress of its graph walk, the tensors computable so far), a layer
 * count by Object.keys at every new layer, and a name count by a filter per
 * name. A chain of 100,000 layers took about nine minutes there. Each edit
 * below swaps one of those for a Set, a Map or a counter, with the same
 * results in the same order; the source is tfjs-layers 4.22.0's own,
 * edited as it is loaded. All the edits apply, each to exactly one place,
 * or none does (then tfjs runs as shipped: slower, never different), and
 * test/tfjs-contract.test.ts fails if they do not.
 */
const CONTAINER_EDITS: readonly (readonly [string, string])[] = [
  ['if (nodesInProgress.indexOf(node) !== -1) {', 'if (nodesInProgress.has(node)) {'],
  ['if (finishedNodes.indexOf(node) !== -1) {', 'if (finishedNodes.has(node)) {'],
  ['layerIndices[layer.id] = Object.keys(layerIndices).length;', 'layerIndices[layer.id] = layerCount++;'],
  ['if (nodesInProgress.indexOf(node) === -1) {\n                nodesInProgress.push(node);\n            }', 'nodesInProgress.add(node);'],
  [
    'finishedNodes.push(node);\n            while (nodesInProgress.indexOf(node) >= 0) {\n                nodesInProgress.splice(nodesInProgress.indexOf(node), 1);\n            }',
    'finishedNodes.add(node);\n            nodesInProgress.delete(node);',
  ],
  ['var finishedNodes = [];\n        var nodesInProgress = [];', 'var finishedNodes = new Set();\n        var nodesInProgress = new Set();\n        var layerCount = 0;'],
  ['var computableTensors = _this.inputs.slice();', 'var computableTensors = new Set(_this.inputs);'],
  ['if (computableTensors.indexOf(x) === -1) {', 'if (!computableTensors.has(x)) {'],
  ['computableTensors.push(x);', 'computableTensors.add(x);'],
  [
    'var allNames = _this.layers.map(function (x) { return x.name; });',
    'var allNames = _this.layers.map(function (x) { return x.name; });\n        var nameCounts = new Map();\n        allNames.forEach(function (x) { nameCounts.set(x, (nameCounts.get(x) || 0) + 1); });',
  ],
  ['var numOccurrences = allNames.filter(function (x) { return x === name; }).length;', 'var numOccurrences = nameCounts.get(name);'],
];

/** Whether tfjs-layers was loaded with CONTAINER_EDITS (the contract test requires it). */
export let containerEditsApplied = false;

/** tfjs-layers, its Container constructor edited to run in linear time where every edit applies. */
function loadLayers(): TfLayers {
  const entry = require.resolve('@tensorflow/tfjs-layers');
  if (require.cache[entry]) return require(entry) as TfLayers;
  const source = readFileSync(entry, 'utf8');
  let edited = source;
  for (const [from, to] of CONTAINER_EDITS) {
    const at = edited.indexOf(from);
    if (at < 0 || edited.indexOf(from, at + from.length) >= 0) return require(entry) as TfLayers;
    edited = edited.slice(0, at) + to + edited.slice(at + from.length);
  }
  // Loaded as require() would load it, under its own name, so that every later require() of tfjs-layers gets this one.
  const loaded = new Module(entry);
  loaded.filename = entry;
  loaded.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(entry));
  require.cache[entry] = loaded;
  try {
    (loaded as unknown as { _compile(code: string, file: string): void })._compile(edited, entry);
  } catch {
    // The edited source did not load: tfjs as shipped, slower, never different (the contract test fails on it).
    delete require.cache[entry];
    return require(entry) as TfLayers;
  }
  loaded.loaded = true;
  containerEditsApplied = true;
  return loaded.exports as TfLayers;
}

export const tfl: TfLayers = loadLayers();

export type Layer = import('@tensorflow/tfjs-layers').layers.Layer;
export type SymbolicTensor = import('@tensorflow/tfjs-layers').SymbolicTensor;
export type LayersModel = import('@tensorflow/tfjs-layers').LayersModel;
export type LayerVariable = import('@tensorflow/tfjs-layers').LayerVariable;
export type Container = import('@tensorflow/tfjs-layers/dist/engine/container.js').Container;
export type TfNode = import('@tensorflow/tfjs-layers/dist/engine/topology.js').Node;
export type Tensor = import('@tensorflow/tfjs-core').Tensor;
export type Tensor4D = import('@tensorflow/tfjs-core').Tensor4D;
/** A shape with its batch dimension; null for a dimension of unknown size (core's FullShape, the one shape type). */
export type Shape = FullShape;
export type DataType = 'float32' | 'int32' | 'bool' | 'string' | 'complex64';

/** The class every tfjs layer extends (public: tf.layers.Layer). */
export const LayerBase = tfl.layers.Layer;

/** The base of tfjs's merge layers (Add, Concatenate, ...): it holds their shape rules, as Keras's Merge does. */
export const MergeBase = Object.getPrototypeOf(tfl.layers.add().constructor) as new (args?: object) => Layer & {
  mergeFunction(inputs: Tensor[]): Tensor;
};

/**
 * The base of tfjs's wrappers (TimeDistributed, Bidirectional): it holds the
 * wrapped layer, reports its weights, and builds it from {className, config}
 * in fromConfig, as Keras's Wrapper does.
 */
export const WrapperBase = Object.getPrototypeOf(registry().TimeDistributed?.[0]) as new (args: { layer: Layer; [key: string]: unknown }) => Layer & {
  layer: Layer;
};

export type LayerConstructor = new (config: object) => Layer;
type FromConfig = (cls: unknown, config: object, customObjects?: object, fastWeightInit?: boolean) => unknown;
type RegistryEntry = [cls: unknown, fromConfig: FromConfig];

/**
 * tfjs's registry of serializable classes: class name → [class, fromConfig].
 * A plain object, so tfjs's `className in registry` would find "constructor"
 * or "toString" in any configuration; without a prototype it finds only
 * registered classes.
 */
function registry(): Record<string, RegistryEntry | undefined> {
  const map = tfc.serialization.SerializationMap.getMap().classNameMap as unknown as Record<string, RegistryEntry | undefined>;
  if (Object.getPrototypeOf(map) !== null) Object.setPrototypeOf(map, null);
  return map;
}
registry();

/** The version of tfjs in use. */
export const TFJS_VERSION: string = tfc.version_core;

/**
 * tfjs's own layer classes, as tfjs registered them, before merge-summary
 * registers its Keras versions of some under the same names (Flatten,
 * GlobalAveragePooling2D, ...): the classes those versions extend.
 */
const tfjsClasses = new Map<string, LayerConstructor>();

/** tfjs's own class of this name, to extend where Keras's rule differs only in part. */
export function tfjsLayerClass(className: string): LayerConstructor {
  if (tfjsClasses.size === 0) for (const [name, cls] of registeredLayerClasses()) tfjsClasses.set(name, cls);
  const cls = tfjsClasses.get(className);
  if (!cls) throw new Error(`tfjs has no layer class ${className}`);
  return cls;
}

/** Registers a class (a layer, an activation) under its static className, as tfjs's own classes are. */
export function registerClass(cls: unknown): void {
  tfc.serialization.registerClass(cls as never);
  // A class registered after installPolicyRecording (merge-summary's Keras layers) records its policy too.
  const entry = registry()[(cls as { className: string }).className];
  if (entry) recordPolicyOnFromConfig(entry);
}

export function isRegistered(className: string): boolean {
  return Object.prototype.hasOwnProperty.call(registry(), className);
}

/** Every registered layer class, by class name. */
export function registeredLayerClasses(): Map<string, LayerConstructor> {
  const classes = new Map<string, LayerConstructor>();
  for (const [name, entry] of Object.entries(registry())) {
    if (entry && (entry[0] as { prototype: unknown }).prototype instanceof LayerBase) classes.set(name, entry[0] as LayerConstructor);
  }
  return classes;
}

/**
 * Runs `work` with extra classes in the registry and takes them out again
 * after, so that no later model finds them. (tfjs's own customObjects do not
 * reach layers inside a nested Sequential: its Sequential.fromConfig drops them.)
 */
export function withTemporaryClasses<T>(classes: Record<string, LayerConstructor & { fromConfig: unknown }>, work: () => T): T {
  const map = registry();
  const added = Object.keys(classes).filter((name) => !isRegistered(name));
  for (const name of added) map[name] = [classes[name], classes[name].fromConfig as FromConfig];
  try {
    return work();
  } finally {
    for (const name of added) delete map[name];
  }
}

/** A layer or model from a configuration in tfjs's form, through the registry, as tfjs's loader builds it. */
export function deserialize<T = Layer>(className: string, config: object): T {
  const entry = registry()[className];
  if (!entry || !isRegistered(className)) throw new Error(`tfjs has no class ${className}`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config) as T;
}

/**
 * A symbolic tensor of `shape` that no layer made: what a layer that runs
 * other layers in sequence (Keras's Pipeline) applies its first one to.
 */
export function freeSymbolicTensor(shape: Shape, dtype: DataType = 'float32'): SymbolicTensor {
  return new tfl.SymbolicTensor(dtype, shape, null as never, [], {});
}

/** A model used as a layer (Functional, Sequential): it has layers and a graph of its own. */
export function isContainer(layer: Layer): layer is Container {
  const candidate = layer as Partial<Container>;
  return Array.isArray(candidate.layers) && typeof candidate.nodesByDepth === 'object' && candidate.nodesByDepth !== null;
}

/**
 * A tfjs Sequential keeps its graph in an inner model it creates only when
 * built (by a call, or by counting its parameters); until then its
 * nodesByDepth is empty. Everything that reads a model's graph builds it first.
 */
function withGraph(model: Container): Container {
  if (model instanceof tfl.Sequential && !model.built) model.build();
  return model;
}

/**
 * A layer's trainable and non-trainable weights, as its trainableWeights
 * and nonTrainableWeights say, in time linear in the model: tfjs's own
 * getters of a model concatenate one layer's list at a time (quadratic; a
 * minute for 20,000 layers). A model's weights are its layers', all
 * non-trainable when the model is frozen.
 */
export function weightsOf(layer: Layer): { trainable: LayerVariable[]; nonTrainable: LayerVariable[] } {
  if (!isContainer(layer)) return { trainable: layer.trainableWeights, nonTrainable: layer.nonTrainableWeights };
  const parts = layer.layers.map(weightsOf);
  const trainable = parts.flatMap((part) => part.trainable);
  const nonTrainable = parts.flatMap((part) => part.nonTrainable);
  return layer.trainable ? { trainable, nonTrainable } : { trainable: [], nonTrainable: [...trainable, ...nonTrainable] };
}

/** The nodes (calls of layers) that belong to a model, from its inputs to its outputs. */
export function modelNodes(model: Container): Set<TfNode> {
  return new Set(Object.values(withGraph(model).nodesByDepth).flat());
}

/** A model's nodes in an order where each node's inputs come first (deepest first, as Keras runs them). */
export function nodesInExecutionOrder(model: Container): TfNode[] {
  const byDepth = withGraph(model).nodesByDepth;
  const depths = Object.keys(byDepth).map(Number).sort((a, b) => b - a);
  return depths.flatMap((depth) => byDepth[depth]);
}

/**
 * Keras 3's number of a call of `layer`, given tfjs's node index: tfjs (as
 * Keras 2) gives a model used as a layer a node for its own construction,
 * node 0, so its first call is node 1; Keras 3 numbers calls from 0.
 */
export function kerasCallNumber(layer: Layer, node: number): number {
  const construction = isContainer(layer) && layer.inboundNodes[0]?.inboundLayers.length === 0;
  return construction ? node - 1 : node;
}

/** Which call (node index) of its layer a node is. */
export function nodeIndex(node: TfNode): number {
  return node.outboundLayer.inboundNodes.indexOf(node);
}

/** The model's outputs as [layer, node, tensor] references. */
export function outputReferences(model: Container): { layer: Layer; node: number; tensor: number }[] {
  withGraph(model);
  return model.outputLayers.map((layer, i) => ({ layer, node: model.outputLayersNodeIndices[i], tensor: model.outputLayersTensorIndices[i] }));
}

type AddWeight = (name: string, shape: Shape, dtype?: string, initializer?: unknown, ...rest: unknown[]) => LayerVariable;

/**
 * A weight asked for with a dimension that is no size: unknown (a Dense on
 * features of unknown size, a recurrent kernel on (None, None) sequences) or
 * one tfjs could not compute. tfjs would make it, counting it as zero values
 * and its bytes as NaN; Keras refuses it. `owner` is the layer that asked.
 */
export class WeightShapeError extends Error {
  constructor(
    readonly owner: Layer,
    readonly weight: string,
    readonly shape: unknown[],
  ) {
    const shown = `(${shape.map((dim) => (dim === null ? 'None' : typeof dim === 'number' && Number.isFinite(dim) ? String(dim) : '?')).join(', ')}${shape.length === 1 ? ',' : ''})`;
    super(
      shape.every((dim) => dim === null || isSize(dim))
        ? `Shapes used to initialize variables must be fully-defined (no \`None\` dimensions). Received: shape=${shown} for variable path='${owner.name}/${weight}'`
        : `its weight ${weight} would have shape ${shown}, with a dimension tfjs could not compute; no weight has that shape, so the layer cannot be built`,
    );
  }
}

const isSize = (dim: unknown) => typeof dim === 'number' && Number.isSafeInteger(dim) && dim >= 0;

let weightFactoryInstalled = false;

/**
 * tfjs initialisers build their values in JavaScript arrays before any
 * backend sees them (a Dense of 100000 × 100000 would need 40 GB), so a
 * storage-less backend alone is not enough: while `dataless()` holds, every
 * weight a layer adds is created from `makeDataless` instead of its
 * initialiser. Otherwise layers behave exactly as tfjs defines them.
 */
export function installWeightFactory(dataless: () => boolean, makeDataless: (shape: number[], dtype: string) => Tensor): void {
  if (weightFactoryInstalled) return;
  const proto = LayerBase.prototype as unknown as { addWeight: AddWeight };
  const original = proto.addWeight;
  const initializer = { apply: (shape: number[], dtype = 'float32') => makeDataless(shape, dtype) };
  proto.addWeight = function (this: unknown, name, shape, dtype, init, ...rest) {
    if (dataless() && !shape.every(isSize)) throw new WeightShapeError(this as Layer, name, shape);
    // tfjs's own layers make every weight float32 (or in the layer's dtype, which tfjs cannot hold when it is
    // bfloat16); Keras makes them in the layer's variable dtype: a Dense(dtype="bfloat16") holds 2 bytes a value.
    const policy = kerasVariableDtype(kerasPolicyOf(this as Layer));
    const inPolicy = policy !== undefined && (dtype == null || dtype === 'float32' || dtype === (this as { dtype?: unknown }).dtype);
    const weight = original.call(this, name, shape, inPolicy ? 'float32' : dtype, dataless() ? initializer : init, ...rest);
    if (inPolicy && policy !== 'float32') setKerasDtype(weight as LayerVariable, policy);
    return weight;
  };
  weightFactoryInstalled = true;
}

/**
 * Each layer's Keras dtype policy as its configuration gave it: tfjs keeps a
 * layer's `dtype` only when it is given an input shape, but Keras makes every
 * weight in the policy's variable dtype.
 */
const policies = new WeakMap<object, unknown>();

/** Records the dtype policy a layer was configured with (a name, as tfjs's config conversion left it). */
function recordKerasPolicy(layer: object, policy: unknown): void {
  if (policy !== undefined && policy !== null) policies.set(layer, policy);
}

/** A layer's dtype policy: the one its configuration gave, else tfjs's dtype. */
export function kerasPolicyOf(layer: Layer): unknown {
  return policies.get(layer) ?? (layer as { dtype?: unknown }).dtype;
}

/**
 * Gives a layer that tfjs made from another's tfjs config (which has no
 * dtype) that layer's policy: a Bidirectional's forward and backward copies
 * of the layer it wraps, as Keras copies the layer's config with its policy.
 */
export function copyKerasPolicy(from: Layer, to: Layer): void {
  recordKerasPolicy(to, policies.get(from));
  recordCellPolicies(to as WithCells, kerasPolicyOf(to));
}

type WithCells = Layer & { cell?: { cells?: object[] } };

/**
 * The cells tfjs's recurrent layers make from their own arguments, which get
 * no configuration of their own (LSTM's LSTMCell, ConvLSTM2D's cell), take
 * the layer's policy, as Keras passes its dtype to the cell it makes. The
 * generic RNN's cells come from their own configurations, with their own
 * policies (Keras's RNN gives its cell none of its own).
 */
function recordCellPolicies(layer: WithCells, policy: unknown): void {
  if (layer.getClassName() === 'RNN') return;
  for (const inner of [layer.cell, ...(layer.cell?.cells ?? [])]) if (inner) recordKerasPolicy(inner, policy);
}

/** Records the dtype policy of the configuration a layer was made from, and of the layers tfjs made inside it. */
export function recordConfiguredPolicy(layer: Layer, config: object): void {
  recordKerasPolicy(layer, (config as { dtype?: unknown }).dtype);
  recordCellPolicies(layer as WithCells, kerasPolicyOf(layer));
}

const recordingFromConfigs = new WeakSet<FromConfig>();

/**
 * Every layer class's fromConfig in tfjs's registry records the dtype policy
 * of the configuration it builds from (also the layers a model or a wrapper
 * builds through the registry), for the weights' dtypes.
 */
export function installPolicyRecording(): void {
  for (const entry of Object.values(registry())) if (entry) recordPolicyOnFromConfig(entry);
}

function recordPolicyOnFromConfig(entry: RegistryEntry): void {
  if (!((entry[0] as { prototype: unknown }).prototype instanceof LayerBase) || recordingFromConfigs.has(entry[1])) return;
  const original = entry[1];
  const recording: FromConfig = (cls, config, ...rest) => {
    const made = original(cls, config, ...rest);
    if (made instanceof LayerBase) recordConfiguredPolicy(made as Layer, config);
    return made;
  };
  recordingFromConfigs.add(recording);
  entry[1] = recording;
}

/** Keras's floating dtypes a layer's policy can hold its weights in. */
const FLOAT_DTYPES: ReadonlySet<string> = new Set(['float16', 'bfloat16', 'float32', 'float64']);

/**
 * The dtype Keras makes a layer's weights in, from its dtype policy as a
 * layer's config holds it: the policy's own for a floating one, float32 for a
 * mixed one (mixed_float16, or mixedFloat16 as tfjs writes it, computes in
 * float16 and keeps float32 weights);
 * undefined for another (a quantized policy, whose layers say each weight's).
 */
export function kerasVariableDtype(policy: unknown): string | undefined {
  if (typeof policy !== 'string') return undefined;
  // tfjs's config conversion writes mixed_float16 as mixedFloat16.
  const mixed = /^mixed_?(.+)$/i.exec(policy);
  if (mixed) return FLOAT_DTYPES.has(mixed[1].toLowerCase()) ? 'float32' : undefined;
  return FLOAT_DTYPES.has(policy) ? policy : undefined;
}

/** The dtypes a tfjs tensor can have; Keras's others (int8, bfloat16, ...) a tfjs weight holds as float32. */
const TFJS_DTYPES: ReadonlySet<string> = new Set(['float32', 'int32', 'bool', 'complex64', 'string']);

/** The dtype tfjs can make a weight of, for the one Keras gives it. */
export function tfjsWeightDtype(kerasDtype: string): string {
  return TFJS_DTYPES.has(kerasDtype) ? kerasDtype : 'float32';
}

/**
 * Records Keras's dtype on a weight tfjs made as float32 (an int8 quantized
 * kernel): LayerVariable.dtype only describes the weight (its value keeps
 * tfjs's dtype), and it is what the parameter memory is counted from.
 */
export function setKerasDtype(weight: LayerVariable, kerasDtype: string): void {
  (weight as { dtype: string }).dtype = kerasDtype;
}

type ComputeOutputShape = (this: Layer, inputShape: unknown, ...rest: unknown[]) => unknown;
const copyingShapes = new WeakSet<ComputeOutputShape>();

/**
 * tfjs hands a layer's computeOutputShape the very shape arrays of its
 * input tensors, and some of its layers write into them (CenterCrop sets
 * height and width in place; CategoryEncoding pushes onto it), changing the
 * shape of the layer before: its row would show the output's shape. Every
 * layer class's computeOutputShape gets a copy instead.
 */
export function installShapeCopies(): void {
  const prototypes = [LayerBase.prototype, ...[...registeredLayerClasses().values()].map((cls) => cls.prototype)];
  for (const proto of prototypes as unknown as { computeOutputShape?: ComputeOutputShape }[]) {
    const own = Object.prototype.hasOwnProperty.call(proto, 'computeOutputShape') ? proto.computeOutputShape : undefined;
    if (!own || copyingShapes.has(own)) continue;
    const copying: ComputeOutputShape = function (this: Layer, inputShape, ...rest) {
      return own.call(this, copyShape(inputShape), ...rest);
    };
    copyingShapes.add(copying);
    proto.computeOutputShape = copying;
  }
}

function copyShape(shape: unknown): unknown {
  return Array.isArray(shape) ? shape.map(copyShape) : shape;
}

/**
 * Keras 3 passes some tensors to a call by keyword: a `mask` (the NotEqual
 * of an Embedding with mask_zero), an `attention_mask`. Keras's graph has
 * them as inputs of the call (its "Connected to" lists them, and the op
 * that made them is a row), but the layer does not take them as inputs:
 * tfjs would read a mask given to an LSTM as its initial state. A call is
 * given its keyword tensors after its positional inputs, with their names
 * under this key of its kwargs: the layer is applied to the positional
 * inputs alone, and the node tfjs made for the call then gets the keyword
 * tensors as inbound edges (inboundLayers, nodeIndices, tensorIndices; not
 * inputTensors, which are what runs), so that tfjs orders the model's
 * layers, and merge-summary reads its connections, as Keras does.
 */
export const KEYWORD_INPUTS = 'keywordInputs';

/** For each node with keyword edges: their names, in the order they follow the positional inbound edges. */
const keywordEdges = new WeakMap<TfNode, string[]>();

/** The names of a node's keyword edges (the last of its inbound edges), [] for none. */
export function keywordInputNames(node: TfNode): string[] {
  return keywordEdges.get(node) ?? [];
}

/** How many of a node's inbound edges are its layer's inputs (the rest are keyword tensors). */
export function positionalInputCount(node: TfNode): number {
  return node.inboundLayers.length - keywordInputNames(node).length;
}

type Apply = (this: Layer, inputs: unknown, kwargs?: Record<string, unknown>) => unknown;
const keywordAware = new WeakSet<Apply>();

/** The inputs of an apply() call that the layer takes itself: without the keyword tensors that follow them. */
export function positionalPart(inputs: unknown, kwargs: unknown): unknown {
  const names = (kwargs as Record<string, unknown> | undefined)?.[KEYWORD_INPUTS];
  if (!Array.isArray(names) || names.length === 0) return inputs;
  const all = [inputs].flat();
  const positional = all.slice(0, all.length - names.length);
  return positional.length === 1 ? positional[0] : positional;
}

/**
 * Makes every apply() (tfjs's, and every class's own, such as RNN's) take
 * keyword tensors as KEYWORD_INPUTS says; and a model's computeOutputShape
 * leave them out, as a nested model's inner calls take only their
 * positional inputs. Idempotent; run once every layer class is registered.
 */
export function installKeywordInputs(): void {
  // Every prototype up each registered class's chain: a class registered in place of tfjs's (LSTM) inherits
  // an apply() of its own from a tfjs class no longer in the registry (RNN's, which takes extra inputs as states).
  const prototypes = new Set<object>([LayerBase.prototype]);
  for (const cls of registeredLayerClasses().values()) {
    for (let proto = cls.prototype as object | null; proto && proto !== LayerBase.prototype; proto = Object.getPrototypeOf(proto)) prototypes.add(proto);
  }
  for (const proto of prototypes as unknown as Set<{ apply?: Apply }>) {
    const own = Object.prototype.hasOwnProperty.call(proto, 'apply') ? proto.apply : undefined;
    if (!own || keywordAware.has(own)) continue;
    const wrapped: Apply = function (this: Layer, inputs, kwargs) {
      const names = kwargs?.[KEYWORD_INPUTS];
      if (!Array.isArray(names) || names.length === 0) return own.call(this, inputs, kwargs);
      const keyword = ([inputs].flat() as SymbolicTensor[]).slice(-names.length);
      const { [KEYWORD_INPUTS]: _names, ...rest } = kwargs as Record<string, unknown>;
      const made = this.inboundNodes.length;
      const output = own.call(this, positionalPart(inputs, kwargs), rest);
      const node = this.inboundNodes[this.inboundNodes.length - 1];
      if (this.inboundNodes.length === made || !node) throw new Error(`layer ${this.name} made no node for a call with keyword tensors`);
      for (const tensor of keyword) {
        node.inboundLayers.push(tensor.sourceLayer);
        node.nodeIndices.push(tensor.nodeIndex);
        node.tensorIndices.push(tensor.tensorIndex);
        tensor.sourceLayer.outboundNodes.push(node);
      }
      // A model's configuration writes each node's call arguments beside its inbound edges: built again from it, the call gets the same names.
      node.callArgs = { ...(node.callArgs ?? {}), [KEYWORD_INPUTS]: [...names] };
      keywordEdges.set(node, names.map(String));
      return output;
    };
    keywordAware.add(wrapped);
    proto.apply = wrapped;
  }
  const container = Object.getPrototypeOf(tfl.LayersModel.prototype) as { computeOutputShape: ComputeOutputShape };
  const shapeOf = container.computeOutputShape;
  if (keywordAware.has(shapeOf as unknown as Apply)) return;
  const withoutKeywords: ComputeOutputShape = function (this: Layer, ...args) {
    const hidden: [TfNode, Layer[], number[], number[]][] = [];
    for (const node of Object.values((this as unknown as Container).nodesByDepth ?? {}).flat()) {
      const count = keywordInputNames(node).length;
      if (count === 0) continue;
      hidden.push([node, node.inboundLayers, node.nodeIndices, node.tensorIndices]);
      node.inboundLayers = node.inboundLayers.slice(0, -count);
      node.nodeIndices = node.nodeIndices.slice(0, -count);
      node.tensorIndices = node.tensorIndices.slice(0, -count);
    }
    try {
      return shapeOf.apply(this, args);
    } finally {
      for (const [node, layers, nodes, tensors] of hidden) Object.assign(node, { inboundLayers: layers, nodeIndices: nodes, tensorIndices: tensors });
    }
  };
  keywordAware.add(withoutKeywords as unknown as Apply);
  container.computeOutputShape = withoutKeywords;
}

/** A tensor of the current backend made from a data id that backend handed out. */
export function tensorFromDataId(dataId: object, shape: number[], dtype: string): Tensor {
  const engine = tfc.engine();
  return engine.makeTensorFromDataId(dataId, shape, dtype as never, engine.backend);
}

/** The data id behind a weight's current value (to ask its backend whether it holds data). */
export function weightDataId(weight: LayerVariable): object {
  return weight.read().dataId;
}

/**
 * Makes `name` the current backend now. tfjs's setBackend is async only to
 * await a backend's initialisation; a backend that needs none (the
 * storage-less one) is current when it returns, which is checked.
 */
export function useBackendNow(name: string): void {
  if (tfc.getBackend() === name) return;
  void tfc.setBackend(name);
  if (tfc.getBackend() !== name) throw new Error(`tfjs did not switch to the ${name} backend synchronously`);
}

export function registerBackendOnce(name: string, factory: () => import('@tensorflow/tfjs-core').KernelBackend): void {
  if (!tfc.findBackendFactory(name)) tfc.registerBackend(name, factory, 0);
}

/** An error tfjs threw while building a model, with the names of the layers it was inside (outermost first). */
export class LayerTrailError extends Error {
  constructor(
    readonly trail: string[],
    readonly original: unknown,
  ) {
    super(original instanceof Error ? original.message : String(original));
  }
}

/**
 * Runs `work` (tfjs deserialising or calling layers) noting which layer
 * tfjs is inside: every layer class's fromConfig and Layer.prototype.apply
 * are wrapped for the time being. An error comes out as a LayerTrailError
 * with the layers it was thrown in, so that an error in a model read from a
 * file points at the layer's entry, not at the model.
 */
export interface ApplyChecks {
  /** Before tfjs applies a layer: throws when the inputs are impossible for it. */
  before(layer: Layer, inputs: SymbolicTensor[]): void;
  /** After: throws when the outputs are impossible. */
  after(layer: Layer, inputs: SymbolicTensor[], outputs: SymbolicTensor[]): void;
}

export function withLayerTrail<T>(work: () => T, checks?: ApplyChecks): T {
  const trail: string[] = [];
  let failedIn: string[] | undefined;
  const inside = <R>(name: unknown, run: () => R): R => {
    trail.push(typeof name === 'string' ? name : '');
    try {
      return run();
    } catch (error) {
      failedIn ??= [...trail];
      throw error;
    } finally {
      trail.pop();
    }
  };
  const map = registry();
  const replaced = new Map<string, RegistryEntry>();
  for (const [name, entry] of Object.entries(map)) {
    if (!entry || !((entry[0] as { prototype: unknown }).prototype instanceof LayerBase)) continue;
    const [cls, fromConfig] = entry;
    replaced.set(name, entry);
    map[name] = [cls, (c, config, ...rest) => inside((config as { name?: unknown } | undefined)?.name, () => fromConfig(c, config, ...rest))];
  }
  const proto = LayerBase.prototype as unknown as { apply: (this: Layer, ...args: unknown[]) => unknown };
  const apply = proto.apply;
  proto.apply = function (this: Layer, ...args: unknown[]) {
    return inside(this.name, () => {
      const inputs = [positionalPart(args[0], args[1])].flat() as SymbolicTensor[];
      checks?.before(this, inputs);
      const outputs = apply.apply(this, args);
      checks?.after(this, inputs, [outputs].flat() as SymbolicTensor[]);
      return outputs;
    });
  };
  try {
    return work();
  } catch (error) {
    throw new LayerTrailError(failedIn ?? [], error);
  } finally {
    proto.apply = apply;
    for (const [name, entry] of replaced) map[name] = entry;
  }
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/**
 * Runs `work` with the console silenced: tfjs prints warnings with
 * console.warn and console.log ("The rank of the input tensor provided ...",
 * once per layer), which would land in the middle of a report. Everything
 * merge-summary says goes through its own streams, never the console.
 */
export function withoutConsole<T>(work: () => T): T {
  const saved = CONSOLE_METHODS.map((method) => console[method]);
  for (const method of CONSOLE_METHODS) console[method] = () => {};
  try {
    return work();
  } finally {
    CONSOLE_METHODS.forEach((method, i) => (console[method] = saved[i]));
  }
}

/**
 * A weight made through tfjs's Layer.addWeight (protected in its typings),
 * as every tfjs layer makes its own: on the storage-less backend it holds no
 * data. Zeros as its initializer unless `policy` gives the layer's own (a
 * tfjs cell's, for `profile`): a summary never reads values. A dtype of
 * null is the layer's.
 */
export function addLayerWeight(
  layer: Layer,
  name: string,
  shape: number[],
  tfjsDtype: string | null,
  trainable: boolean,
  policy: { initializer?: unknown; regularizer?: unknown; constraint?: unknown } = {},
): LayerVariable {
  const add = (layer as unknown as { addWeight: (...args: unknown[]) => LayerVariable }).addWeight.bind(layer);
  return add(name, shape, tfjsDtype, policy.initializer ?? tfl.initializers.zeros(), policy.regularizer, trainable, policy.constraint);
}

/**
 * Sets a Bidirectional's own trainable flag, the private `_trainable` tfjs's
 * getter reads (tfjs starts every Bidirectional trainable; Keras keeps the
 * flag it was given).
 */
export function setOwnTrainable(layer: Layer, trainable: boolean): void {
  (layer as unknown as { _trainable: boolean })._trainable = trainable;
}
