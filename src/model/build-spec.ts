import { LayerCallError, UserError } from '../core/errors.js';
import { MERGE_KINDS, isMergeType } from '../core/merge-kinds.js';
import { formatShape, type FullShape } from '../core/shapes.js';
import type { Warning } from '../core/warnings.js';
import type { LayerCall, ModelGraph, TensorRef } from '../readers/graph.js';
import { describeRef } from '../readers/graph.js';
import type { Owner } from './call-graph.js';
import { createLayer, tfjsMessage } from './layer-factory.js';
import { tfjsName, userName } from './names.js';
import { impossibleInput, impossibleOutput } from './shape-guard.js';
import { useShapeOnlyBackend } from './shape-only-backend.js';
import { SpecMasks } from './masks.js';
import { KEYWORD_INPUTS, tfl, type Layer, type LayersModel, type SymbolicTensor } from './tfjs.js';

/** A model built on the storage-less backend, with the call graph that built it. */
export interface BuiltModel {
  model: LayersModel;
  graph: ModelGraph;
  /** Every call's outputs, by the label `from` entries use. */
  tensors: Map<string, SymbolicTensor[]>;
  /** Every layer, by the key its calls use (its name, unless names repeat across nested models). */
  layers: Map<string, Layer>;
  /** For a model read from a file: where each layer key sits in the model's nesting. */
  owners?: Map<string, Owner>;
  warnings: Warning[];
  /** Layers whose shapes are guesses (an unknown layer, or after one), with why. */
  unverified: Map<string, string>;
  /** Something the summary says under its title: why the file's weights were not checked. */
  note?: string;
}

/** tfjs's dtypes; Keras's others build as the nearest one (shapes do not depend on it). */
const TFJS_DTYPE: Record<string, 'float32' | 'int32' | 'bool' | 'string'> = {
  bool: 'bool',
  string: 'string',
  int8: 'int32', int16: 'int32', int32: 'int32', int64: 'int32',
  uint8: 'int32', uint16: 'int32', uint32: 'int32', uint64: 'int32',
};

/**
 * Builds the graph with tfjs layers on the shape-only backend: every shape and
 * weight comes from tfjs-layers' own build() and computeOutputShape(), and no
 * weight holds data.
 */
export function buildModel(graph: ModelGraph): BuiltModel {
  useShapeOnlyBackend();
  const tensors = new Map<string, SymbolicTensor[]>();
  const layers = new Map<string, Layer>();

  const inputs = graph.inputs.map((input) => {
    let tensor: SymbolicTensor;
    try {
      tensor = tfl.input({ name: tfjsName(input.name), batchShape: [input.batchSize ?? null, ...input.shape], dtype: TFJS_DTYPE[input.dtype] ?? 'float32' });
    } catch (error) {
      throw new UserError('spec', `input "${input.name}": ${tfjsMessage(error)}`, input.at);
    }
    tensors.set(input.name, [tensor]);
    return tensor;
  });

  const masks = new SpecMasks(graph);
  for (const call of graph.calls) {
    let layer = layers.get(call.layer);
    if (!layer) {
      if (!call.definition) throw new Error(`call ${call.label} of layer ${call.layer} comes before the layer is defined`);
      layer = createLayer(call.definition);
      layers.set(call.layer, layer);
    }
    const callInputs = call.from.flatMap((ref) => resolve(ref, tensors));
    const outputs = applyLayer(layer, call, callInputs, masks.keywordInputs(layer, callInputs));
    masks.afterCall(layer, call, callInputs, outputs);
    tensors.set(call.label, outputs);
  }

  const outputs = graph.outputs.flatMap((ref) => resolve(ref, tensors));
  let model: LayersModel;
  try {
    model = tfl.model({ inputs, outputs, name: tfjsName(graph.name) });
  } catch (error) {
    throw new UserError('model', `the model cannot be assembled: ${tfjsMessage(error)}`, graph.outputs[0]?.at ?? graph.at);
  }
  return { model, graph, tensors, layers, warnings: unusedWarnings(model, graph), unverified: new Map() };
}

export function resolve(ref: TensorRef, tensors: Map<string, SymbolicTensor[]>): SymbolicTensor[] {
  const outputs = tensors.get(ref.label);
  if (!outputs) throw new UserError('wiring', `"${describeRef(ref)}" names no input or layer defined above`, ref.at);
  if (ref.index === undefined) return outputs;
  if (ref.index >= outputs.length) {
    const has = outputs.length === 1 ? 'has one output' : `has ${outputs.length} outputs`;
    throw new UserError('wiring', `"${describeRef(ref)}": "${ref.label}" ${has}; pick one with an index from 0 to ${outputs.length - 1}`, ref.at);
  }
  return [outputs[ref.index]];
}

/**
 * Applies a layer to tensors; a failure is a LayerCallError at the call, saying why in Keras's terms.
 * `keyword`: tensors Keras's graph gives the call by keyword (a mask), which the layer does not take.
 */
export function applyLayer(layer: Layer, call: LayerCall, inputs: SymbolicTensor[], keyword: { tensors: SymbolicTensor[]; names: string[] } = { tensors: [], names: [] }): SymbolicTensor[] {
  const type = layer.getClassName();
  const config = () => layer.getConfig() as Record<string, unknown>;
  const inputShapes = inputs.map((input) => input.shape as FullShape);
  const refused = impossibleInput(type, config, inputShapes);
  if (refused) throw new LayerCallError(call.layer, type, refused, call.at);
  let outputs: SymbolicTensor[];
  try {
    const output = (
      keyword.tensors.length > 0
        ? layer.apply([...inputs, ...keyword.tensors], { [KEYWORD_INPUTS]: keyword.names })
        : layer.apply(inputs.length === 1 ? inputs[0] : inputs)
    ) as SymbolicTensor | SymbolicTensor[];
    outputs = Array.isArray(output) ? output : [output];
  } catch (error) {
    if (isMergeType(type)) {
      const shapes = inputs.map((input) => formatShape(input.shape as FullShape));
      const listed = shapes.length === 1 ? `one input of shape ${shapes[0]}` : `inputs have shapes ${joinAnd(shapes)}`;
      throw new LayerCallError(call.layer, type, `${listed}; ${type} ${MERGE_KINDS[type].rule}`, call.at);
    }
    if (error instanceof UserError) throw error;
    throw new LayerCallError(call.layer, type, tfjsMessage(error), call.at);
  }
  const impossible = impossibleOutput(type, config, inputShapes, outputs.map((output) => output.shape as FullShape));
  if (impossible) throw new LayerCallError(call.layer, type, impossible, call.at);
  return outputs;
}

function unusedWarnings(model: LayersModel, graph: ModelGraph): Warning[] {
  const inModel = new Set(model.layers.map((layer) => userName(layer.name)));
  return graph.calls
    .filter((call) => call.definition && !inModel.has(call.layer))
    .map((call) => ({ code: 'unused-layer', layer: call.layer, message: `layer "${call.layer}" leads to no output of the model, so the summary leaves it out` }));
}

function joinAnd(items: string[]): string {
  return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
