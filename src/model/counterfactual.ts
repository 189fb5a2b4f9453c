import { LayerCallError, UserError } from '../core/errors.js';
import { sameShape, type FullShape } from '../core/shapes.js';
import { exactCount } from '../core/numbers.js';
import { countWeights } from '../core/weights.js';
import { callLabel, type LayerCall, type ModelGraph } from '../readers/graph.js';
import { applyLayer, resolve } from './build-spec.js';
import { ownersOf, type Owner } from './call-graph.js';
import type { LayerAt, ModelPath, RebuiltLayer } from './facts.js';
import { weightShapes } from './execution.js';
import { weightFact } from './extract.js';
import { createLayer } from './layer-factory.js';
import { isContainer, outputReferences, tfl, type Container, type Layer, type SymbolicTensor } from './tfjs.js';
import { appendAll, smallest } from '../core/lists.js';

/**
 * One model in the nesting of a built model: its call graph, the tensors and
 * layers tfjs built for it, and where it sits. Level 0 is the model itself;
 * a merge inside a nested model has the levels of every model around it.
 */
export interface Level {
  path: ModelPath;
  container: Container;
  graph: ModelGraph;
  tensors: Map<string, SymbolicTensor[]>;
  layers: Map<string, Layer>;
  /** For every layer key of the graph: its name, where it sits below this level, and whether it is frozen. */
  owners: Map<string, Owner>;
  /** False inside a frozen model: a layer built again there is frozen too. */
  trainable: boolean;
}

export interface Propagation {
  /** Every layer rebuilt because an input of it changed shape, in call order, at every level passed. */
  rebuilt: RebuiltLayer[];
  /** The layer the change cannot pass, if any: the changed model cannot be built. */
  failure?: { at: LayerAt; reason: string };
}

/**
 * What changes downstream when calls produce other outputs than they do in
 * the built model: `starts` gives, by call label at the innermost level,
 * the new outputs. Only calls with an input whose shape changed are built
 * again (with fresh layers, on the storage-less backend), and a call whose
 * rebuilt output keeps its old shape stops the change there. When the change
 * reaches the outputs of a nested model, it goes on in the model around it,
 * from every call of the nested model. So the work is the size of the
 * footprint, not of the model: DenseNet121's 58 concatenations take a
 * fraction of a second.
 */
export function propagate(levels: Level[], starts: Map<string, SymbolicTensor[]>): Propagation {
  const rebuilt: RebuiltLayer[] = [];
  let pending = starts;
  // What the layers rebuilt so far add to the parameters of the models around them.
  const change = { params: 0, trainable: 0 };
  // The nested model the change came out of, in the level being walked, and what it added to its parameters.
  let inner: InnerChange | undefined;
  for (let depth = levels.length - 1; depth >= 0; depth--) {
    const level = levels[depth];
    const step = propagateWithin(level, pending, inner);
    appendAll(rebuilt, step.rebuilt);
    change.params += step.change.params;
    change.trainable += step.change.trainable;
    if (step.failure || depth === 0) return { rebuilt, failure: step.failure };
    const outputs = changedOutputs(level, step.changed);
    const parent = levels[depth - 1];
    const calls = parent.graph.calls.filter((call) => parent.layers.get(call.layer) === level.container);
    const paramsChanged = change.params !== 0 || change.trainable !== 0;
    // The nested model's own row changes with what changed inside it: its parameters, and its output where the change reaches it.
    if (outputs || step.rebuilt.length > 0 || paramsChanged) {
      const shapes = outputs ?? level.graph.outputs.map((ref) => resolve(ref, level.tensors)[0].shape as FullShape);
      rebuilt.push(nestedModelFacts(level.container, where(parent, calls[0].layer), shapes, change));
    }
    // Every model around this one holds the parameters changed inside it, also where its outputs keep their shapes.
    if (!outputs && !paramsChanged) break;
    inner = { key: calls[0].layer, change: { ...change } };
    // The nested model's calls in the model around it now give these outputs (none when they keep their shapes).
    pending = new Map(outputs ? calls.map((call) => [call.label, outputs.map((shape, i) => probe(shape, outputsOf(parent, call)[i]))]) : []);
  }
  return { rebuilt };
}

/** A nested model (by its layer key in the level around it) that the change came out of, and what it added to its parameters. */
interface InnerChange {
  key: string;
  change: { params: number; trainable: number };
}

/** A nested model's row in the changed model: its outputs (new ones where the change reaches them) and its parameters with the change inside it. */
function nestedModelFacts(model: Container, at: LayerAt, shapes: FullShape[], change: { params: number; trainable: number }): RebuiltLayer {
  const before = weightCounts(model, at.name);
  const what = `the parameter count of model "${at.name}"`;
  return {
    ...at,
    type: model.getClassName(),
    outputShape: shapes.length === 1 ? shapes[0] : shapes,
    params: exactCount(before.params + change.params, what),
    trainable: exactCount(before.trainable + change.trainable, what),
    nestedModel: true,
  };
}

/** A layer's parameters, all and trainable ones, as the summary counts them. */
function weightCounts(layer: Layer, name: string): { params: number; trainable: number } {
  const what = `the parameter count of layer "${name}"`;
  const trainable = countWeights(layer.trainableWeights.map(weightFact), what).params;
  return { params: exactCount(trainable + countWeights(layer.nonTrainableWeights.map(weightFact), what).params, what), trainable };
}

interface LevelStep {
  rebuilt: RebuiltLayer[];
  changed: Map<string, SymbolicTensor[]>;
  /** How many parameters the layers built afresh have more (or fewer) than the ones they replace. */
  change: { params: number; trainable: number };
  failure?: { at: LayerAt; reason: string };
}

function propagateWithin(level: Level, starts: Map<string, SymbolicTensor[]>, inner?: InnerChange): LevelStep {
  const changed = new Map<string, SymbolicTensor[]>();
  for (const [label, outputs] of starts) if (!sameOutputs(outputs, level.tensors.get(label) ?? [])) changed.set(label, outputs);
  const rebuiltLayers = new Map<string, Layer>();
  const rebuilt = new Map<string, RebuiltLayer>();
  const calls = level.graph.calls;
  const first = smallest(calls.map((call, i) => (starts.has(call.label) ? i : calls.length)));
  // Every layer of the level's model, at any depth. A spec's layer that leads to no output is not among them (the summary
  // leaves it out, with a warning): a change does not run it.
  const inModel = ownersOf(level.container);
  for (const call of calls.slice(first + 1)) {
    if (starts.has(call.label) || !call.from.some((ref) => changed.has(ref.label))) continue;
    if (!inModel.has(level.layers.get(call.layer) as Layer)) continue;
    const inputs = call.from.flatMap((ref) => resolve(ref, changed.has(ref.label) ? changed : level.tensors));
    try {
      let layer = rebuiltLayers.get(call.layer);
      if (!layer) {
        layer = freshLayer(level, call);
        rebuiltLayers.set(call.layer, layer);
      }
      const outputs = applyLayer(layer, call, inputs);
      if (!sameOutputs(outputs, level.tensors.get(call.label) ?? [])) changed.set(call.label, outputs);
      const facts = rebuiltFacts(layer, where(level, call.layer), outputs);
      const thisCall = { node: call.index, inputShapes: inputs.map((input) => input.shape as FullShape), outputShapes: outputs.map((output) => output.shape as FullShape) };
      rebuilt.set(call.layer, { ...facts, calls: [...(rebuilt.get(call.layer)?.calls ?? []), thisCall] });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      const reason = error instanceof LayerCallError ? error.reason : error.message;
      return { rebuilt: [...rebuilt.values()], changed, change: { params: 0, trainable: 0 }, failure: { at: where(level, call.layer), reason } };
    }
  }
  const changes = new Map<string, { params: number; trainable: number }>();
  for (const [key, layer] of rebuiltLayers) {
    const existing = level.layers.get(key) as Layer;
    if (layer === existing) continue;
    const { name } = where(level, key);
    const [after, before] = [weightCounts(layer, name), weightCounts(existing, name)];
    changes.set(key, { params: after.params - before.params, trainable: after.trainable - before.trainable });
  }
  const change = { params: 0, trainable: 0 };
  for (const each of changes.values()) {
    change.params += each.params;
    change.trainable += each.trainable;
  }
  // The nested model the change came out of is counted already (in the caller's total), but the models its layers run in here hold its change too.
  if (inner) {
    const own = changes.get(inner.key) ?? { params: 0, trainable: 0 };
    changes.set(inner.key, { params: own.params + inner.change.params, trainable: own.trainable + inner.change.trainable });
  }
  const inlined = inlinedModelFacts(level, inModel, [...rebuilt.values()], changes, changed);
  return { rebuilt: [...rebuilt.values(), ...inlined], changed, change };
}

/**
 * The rows of the models a level's graph runs the layers of directly (a
 * Sequential's first layer, when it is a model: tfjs, like Keras 2, calls
 * its layers, never the model) that a change reaches: their outputs where
 * the change reaches them, their parameters with the change inside them.
 */
function inlinedModelFacts(
  level: Level,
  owners: Map<Layer, Owner>,
  rebuilt: RebuiltLayer[],
  changes: Map<string, { params: number; trainable: number }>,
  changed: Map<string, SymbolicTensor[]>,
): RebuiltLayer[] {
  const called = new Set(level.layers.values());
  const keyOf = new Map([...level.layers].map(([key, layer]) => [layer, key]));
  const facts: RebuiltLayer[] = [];
  for (const [model, owner] of owners) {
    if (!isContainer(model) || called.has(model)) continue;
    // A model inside one this graph calls (a level of its own) has its outputs in that model's graph, not in this one.
    const references = outputReferences(model);
    if (!references.every(({ layer }) => keyOf.has(layer))) continue;
    const inside = [...owner.path, owner.name];
    const isInside = (path: ModelPath) => inside.every((name, i) => path[i] === name);
    const outputs = references.map(({ layer, node, tensor }) => {
      const label = callLabel(keyOf.get(layer) as string, node);
      return (changed.get(label) ?? (level.tensors.get(label) as SymbolicTensor[]))[tensor].shape as FullShape;
    });
    const change = { params: 0, trainable: 0 };
    for (const [key, each] of changes) {
      if (!isInside(level.owners.get(key)?.path ?? [])) continue;
      change.params += each.params;
      change.trainable += each.trainable;
    }
    const reached =
      rebuilt.some((layer) => isInside(layer.path.slice(level.path.length))) ||
      outputs.some((shape, i) => !sameShape(shape, model.outputs[i].shape as FullShape)) ||
      change.params !== 0 ||
      change.trainable !== 0;
    if (!reached) continue;
    facts.push(nestedModelFacts(model, { name: owner.name, path: [...level.path, ...owner.path] }, outputs, change));
  }
  return facts;
}

/**
 * The layer a changed call is built with. A layer first called upstream of
 * the change keeps its weights (they are shared); one defined here is
 * created afresh, so its weights follow its new input. A nested model takes
 * inputs of the shapes it was built for, so a change reaching one stops there.
 */
function freshLayer(level: Level, call: LayerCall): Layer {
  const existing = level.layers.get(call.layer) as Layer;
  if (!call.definition) return existing;
  if (isContainer(existing)) {
    throw new LayerCallError(call.layer, existing.getClassName(), 'a nested model takes inputs of the shapes it was built for', call.at);
  }
  const layer = createLayer(call.definition);
  if (!level.trainable || level.owners.get(call.layer)?.trainable === false) layer.trainable = false;
  return layer;
}

/** A layer of a level's graph as the summary names it: its name and the models it is in. */
export function where(level: Level, key: string): LayerAt {
  const owner = level.owners.get(key);
  return { name: owner?.name ?? key, path: [...level.path, ...(owner?.path ?? [])] };
}

function rebuiltFacts(layer: Layer, { name, path }: LayerAt, outputs: SymbolicTensor[]): RebuiltLayer {
  const { params, trainable } = weightCounts(layer, name);
  return {
    name,
    path,
    type: layer.getClassName(),
    outputShape: outputs.length === 1 ? (outputs[0].shape as FullShape) : outputs.map((o) => o.shape as FullShape),
    params,
    trainable,
    config: isContainer(layer) ? {} : (layer.getConfig() as Record<string, unknown>),
    weights: weightShapes(layer),
  };
}

/** The new outputs of a level's model, or undefined when none of them changed. */
function changedOutputs(level: Level, changed: Map<string, SymbolicTensor[]>): FullShape[] | undefined {
  if (!level.graph.outputs.some((ref) => changed.has(ref.label))) return undefined;
  return level.graph.outputs.map((ref) => resolve(ref, changed.has(ref.label) ? changed : level.tensors)[0].shape as FullShape);
}

function outputsOf(level: Level, call: LayerCall): SymbolicTensor[] {
  return level.tensors.get(call.label) ?? [];
}

/** A stand-in tensor of a shape, to build layers downstream of a change on. */
export function probe(shape: FullShape, like?: SymbolicTensor): SymbolicTensor {
  return tfl.input({ batchShape: shape, dtype: (like?.dtype ?? 'float32') as 'float32' });
}

function sameOutputs(a: SymbolicTensor[], b: SymbolicTensor[]): boolean {
  return a.length === b.length && a.every((tensor, i) => sameShape(tensor.shape as FullShape, b[i].shape as FullShape));
}
