import { LayerCallError } from '../core/errors.js';
import { MERGE_KINDS, isMergeType, type MergeType } from '../core/merge-kinds.js';
import type { FullShape } from '../core/shapes.js';
import type { LayerCall } from '../readers/graph.js';
import { applyLayer, resolve, type BuiltModel } from './build-spec.js';
import { graphFromModel } from './call-graph.js';
import { probe, propagate, where, type Level } from './counterfactual.js';
import type { MergeFacts, SwapOutcome } from './facts.js';
import { createLayer } from './layer-factory.js';
import { isOperation } from './layers/operations.js';
import { isContainer, type SymbolicTensor } from './tfjs.js';
import { appendAll } from '../core/lists.js';

/**
 * For every merge of the model, and of every model nested in it: the same
 * model with that one merge swapped for its alternative (MERGE_KINDS), as
 * plain facts: what had to be built again, or why it cannot be built.
 */
export function mergeFacts(built: BuiltModel): MergeFacts[] {
  const owners = built.owners ?? new Map([...built.layers].map(([key, layer]) => [key, { name: key, path: [], trainable: layer.trainable }]));
  const top: Level = { path: [], container: built.model, graph: built.graph, tensors: built.tensors, layers: built.layers, owners, trainable: true };
  return mergesWithin([top]);
}

function mergesWithin(levels: Level[]): MergeFacts[] {
  const level = levels[levels.length - 1];
  const facts: MergeFacts[] = [];
  for (const call of level.graph.calls) {
    if (!call.definition) continue;
    const layer = level.layers.get(call.layer);
    if (!layer) continue;
    // A keras.ops Add or Multiply node is no merge layer: it is never analysed or swapped as one.
    if (isMergeType(call.definition.type) && !isOperation(layer)) {
      facts.push(analyzeMerge(levels, call, call.definition.type, layer.getConfig().axis));
    } else if (isContainer(layer)) {
      const customObjects = call.definition.kind === 'config' ? call.definition.customObjects : {};
      const derived = graphFromModel(layer, level.graph.source, call.at, customObjects);
      const nested: Level = {
        path: where(level, call.layer).path.concat(level.owners.get(call.layer)?.name ?? call.layer),
        container: layer,
        graph: derived.graph,
        tensors: derived.tensors,
        layers: derived.layers,
        owners: derived.owners,
        trainable: level.trainable && level.owners.get(call.layer)?.trainable !== false,
      };
      appendAll(facts, mergesWithin([...levels, nested]));
    }
  }
  return facts;
}

function analyzeMerge(levels: Level[], call: LayerCall, type: MergeType, configuredAxis: unknown): MergeFacts {
  const level = levels[levels.length - 1];
  const axis = type === 'Concatenate' && typeof configuredAxis === 'number' ? configuredAxis : undefined;
  const base = { ...where(level, call.layer), type, node: call.index, ...(axis !== undefined ? { axis } : {}) };
  const outputs = level.tensors.get(call.label) ?? [];
  const swap = swapOutcome(levels, call, type);
  if (swap.kind === 'built' || swap.kind === 'blocked') return { ...base, swap };
  return { ...base, swap, dependents: dependentsOf(levels, call, outputs[0]?.shape as FullShape, axis ?? -1) };
}

function swapOutcome(levels: Level[], call: LayerCall, type: MergeType): SwapOutcome {
  const alternative = MERGE_KINDS[type].alternative;
  if (!alternative) return { kind: 'no-alternative' };
  const level = levels[levels.length - 1];
  const inputs = call.from.flatMap((ref) => resolve(ref, level.tensors));
  let outputs: SymbolicTensor[];
  try {
    const swapped = createLayer({ kind: 'spec', name: where(level, call.layer).name, type: alternative.type, args: alternative.args, argLocations: {}, at: call.at, typeAt: call.at });
    outputs = applyLayer(swapped, call, inputs);
  } catch (error) {
    if (!(error instanceof LayerCallError)) throw error;
    return { kind: 'rejected', alternative: alternative.type, reason: error.reason };
  }
  const outputShape = outputs[0].shape as FullShape;
  const propagation = propagate(levels, new Map([[call.label, outputs]]));
  if (propagation.failure) {
    return { kind: 'blocked', alternative: alternative.type, outputShape, blockedBy: propagation.failure.at, reason: propagation.failure.reason, rebuilt: propagation.rebuilt };
  }
  return { kind: 'built', alternative: alternative.type, outputShape, rebuilt: propagation.rebuilt };
}

/**
 * A merge whose swap cannot be built still decides the shapes after it: what
 * depends on it is found by giving its consumers a width one larger on the
 * axis it writes, and seeing which layers change.
 */
function dependentsOf(levels: Level[], call: LayerCall, outputShape: FullShape | undefined, axis: number): MergeFacts['dependents'] {
  if (!outputShape) return { rebuilt: [] };
  const index = axis < 0 ? outputShape.length + axis : axis;
  const size = outputShape[index];
  if (size === null || size === undefined) return { rebuilt: [] };
  const widened = outputShape.map((dim, i) => (i === index ? size + 1 : dim));
  const propagation = propagate(levels, new Map([[call.label, [probe(widened)]]]));
  return { rebuilt: propagation.rebuilt, ...(propagation.failure ? { blockedBy: propagation.failure.at } : {}) };
}
