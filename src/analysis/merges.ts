import { UserError } from '../errors.js';
import { applyLayer, resolve, type BuiltModel } from '../model/build.js';
import { createLayer } from '../model/layer-factory.js';
import { MERGE_KINDS, isMerge } from '../model/merges.js';
import { tfl, type SymbolicTensor } from '../model/tf.js';
import { formatShape, sameShape, type FullShape } from '../shapes.js';
import type { LayerCall, LayerDefinition } from '../spec/graph.js';
import { propagate, type Propagation } from './counterfactual.js';
import type { AffectedLayer, LayerSummary, MergeAlternative, MergeSummary, Totals } from './types.js';

/**
 * The merge each merge is compared with: Concatenate against Add, the
 * elementwise merges against Concatenate on the last axis. Dot has none.
 */
const ALTERNATIVE: Record<string, string | null> = {
  Concatenate: 'Add',
  Add: 'Concatenate',
  Subtract: 'Concatenate',
  Multiply: 'Concatenate',
  Average: 'Concatenate',
  Maximum: 'Concatenate',
  Minimum: 'Concatenate',
  Dot: null,
};

export interface MergeAnalysis {
  merges: MergeSummary[];
  /** For each layer, the merges its output shape or parameters depend on. */
  dependsOn: Map<string, string[]>;
}

/**
 * For every merge: how its inputs combine, and the same model with that one
 * merge swapped for its alternative: which layers after it change shape or
 * parameters (its footprint), where the change stops, and the totals.
 */
export function analyzeMerges(built: BuiltModel, layers: LayerSummary[], totals: Totals): MergeAnalysis {
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  const merges: MergeSummary[] = [];
  const dependsOn = new Map<string, string[]>();
  for (const call of built.graph.calls) {
    const definition = call.definition;
    const layer = byName.get(call.layer);
    if (!definition || !layer || !isMerge(definition.type)) continue;
    const merge = analyzeMerge(built, call, definition, layer, byName, totals);
    merges.push(merge.summary);
    for (const name of merge.dependents) dependsOn.set(name, [...(dependsOn.get(name) ?? []), call.layer]);
  }
  return { merges, dependsOn };
}

function analyzeMerge(
  built: BuiltModel,
  call: LayerCall,
  definition: LayerDefinition,
  layer: LayerSummary,
  byName: Map<string, LayerSummary>,
  totals: Totals,
): { summary: MergeSummary; dependents: string[] } {
  const type = definition.type;
  const outputShape = layer.outputShape as FullShape;
  const inputs = call.from.flatMap((ref) => resolve(ref, built.tensors));
  const base = {
    name: layer.name,
    type,
    inputShapes: layer.inputShapes,
    outputShape,
    broadcasts: MERGE_KINDS[type].elementwise && !layer.inputShapes.every((shape) => sameShape(shape, layer.inputShapes[0])),
    ...concatenation(type, definition, layer.inputShapes, outputShape),
  };

  const alternativeType = ALTERNATIVE[type];
  if (alternativeType === null) {
    const reason = `${type} has no natural alternative: it contracts its inputs on the dot axes, which no other merge does`;
    return impossible(base, { type: null, possible: false, reason }, built, call, outputShape, byName);
  }
  let alternativeOutputs: SymbolicTensor[];
  try {
    const swapped = createLayer({
      ...definition,
      type: alternativeType,
      args: alternativeType === 'Concatenate' ? { axis: -1 } : {},
      argLocations: {},
      tfjs: undefined,
    });
    alternativeOutputs = applyLayer(swapped, call, inputs);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const reason = stripLayerPrefix(error.message);
    return impossible(base, { type: alternativeType, possible: false, reason }, built, call, outputShape, byName);
  }
  const alternativeShape = alternativeOutputs[0].shape as FullShape;
  const propagation = propagate(built, call, alternativeOutputs);
  if (propagation.failure) {
    const reason =
      `it would give ${formatShape(alternativeShape)}, which layer "${propagation.failure.layer}" after it cannot take: ` +
      stripLayerPrefix(propagation.failure.message);
    const dependents = footprint(propagation, byName).affected.map((a) => a.name).concat(propagation.failure.layer);
    return {
      summary: {
        ...base,
        alternative: { type: alternativeType, possible: false, reason, blockedBy: propagation.failure.layer, outputShape: alternativeShape },
        affected: [],
        stopsAt: [],
        reachesOutputs: [],
        impact: -1,
      },
      dependents,
    };
  }
  const { affected, stopsAt, params, trainable } = footprint(propagation, byName);
  const outputs = new Set(built.model.outputLayers.map((output) => output.name));
  const reachesOutputs = affected.filter((a) => outputs.has(a.name) && !stopsAt.includes(a.name)).map((a) => a.name);
  const totalParams = totals.params + params;
  const alternative: MergeAlternative = {
    type: alternativeType,
    possible: true,
    outputShape: alternativeShape,
    totalParams,
    trainableParams: totals.trainable + trainable,
    totalParamsChange: params,
    totalParamsPercent: totals.params === 0 ? 0 : (params / totals.params) * 100,
  };
  return {
    summary: { ...base, alternative, affected, stopsAt, reachesOutputs, impact: Math.abs(params) },
    dependents: affected.map((a) => a.name),
  };
}

/**
 * A merge whose swap cannot be built still decides the shapes after it: what
 * depends on it is found by giving its consumers a width one larger on the
 * axis it writes, and seeing which layers change.
 */
function impossible(
  base: Omit<MergeSummary, 'alternative' | 'affected' | 'stopsAt' | 'reachesOutputs' | 'impact'>,
  alternative: MergeAlternative,
  built: BuiltModel,
  call: LayerCall,
  outputShape: FullShape,
  byName: Map<string, LayerSummary>,
): { summary: MergeSummary; dependents: string[] } {
  const summary: MergeSummary = { ...base, alternative, affected: [], stopsAt: [], reachesOutputs: [], impact: -1 };
  const axis = normalizeAxis(base.concatenation?.axis ?? -1, outputShape.length);
  if (outputShape[axis] === null) return { summary, dependents: [] };
  const widened = outputShape.map((dim, i) => (i === axis ? (dim as number) + 1 : dim));
  const probe = tfl.input({ batchShape: widened });
  const propagation = propagate(built, call, [probe]);
  const dependents = footprint(propagation, byName).affected.map((a) => a.name);
  if (propagation.failure) dependents.push(propagation.failure.layer);
  return { summary, dependents };
}

/** The rebuilt layers that differ from the model, and the parameter change over all of them. */
function footprint(propagation: Propagation, byName: Map<string, LayerSummary>) {
  const affected: AffectedLayer[] = [];
  const stopsAt: string[] = [];
  let params = 0;
  let trainable = 0;
  for (const rebuilt of propagation.rebuilt) {
    const actual = byName.get(rebuilt.name);
    if (!actual) continue;
    params += rebuilt.params - actual.params;
    trainable += rebuilt.trainable - actual.trainable;
    const shapeChanged = !sameShape(rebuilt.outputShape, actual.outputShape);
    if (!shapeChanged) stopsAt.push(rebuilt.name);
    if (shapeChanged || rebuilt.params !== actual.params) {
      affected.push({
        name: rebuilt.name,
        type: actual.type,
        outputShape: actual.outputShape,
        alternativeOutputShape: rebuilt.outputShape,
        params: actual.params,
        alternativeParams: rebuilt.params,
        paramsChange: rebuilt.params - actual.params,
      });
    }
  }
  return { affected, stopsAt, params, trainable };
}

function concatenation(type: string, definition: LayerDefinition, inputShapes: FullShape[], outputShape: FullShape) {
  if (type !== 'Concatenate') return {};
  const written = definition.args.axis;
  const axis = typeof written === 'number' ? written : -1;
  const index = normalizeAxis(axis, outputShape.length);
  return { concatenation: { axis, inputSizes: inputShapes.map((shape) => shape[index]), outputSize: outputShape[index] } };
}

function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? rank + axis : axis;
}

/** `layer "x" (Add): inputs have ...` -> `inputs have ...`: the merge is already named. */
function stripLayerPrefix(message: string): string {
  return message.replace(/^layer "[^"]*" \(\w+\): /, '');
}
