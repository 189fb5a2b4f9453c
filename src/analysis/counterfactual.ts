import { UserError } from '../errors.js';
import { applyLayer, resolve, type BuiltModel } from '../model/build.js';
import { createLayer } from '../model/layer-factory.js';
import type { Layer, SymbolicTensor } from '../model/tf.js';
import { sameShape, type FullShape } from '../shapes.js';
import type { LayerCall } from '../spec/graph.js';
import { layerParams } from './layer-facts.js';

/** A layer built again downstream of a change, as it would be in the changed model. */
export interface RebuiltLayer {
  name: string;
  type: string;
  outputShape: FullShape | FullShape[];
  params: number;
  trainable: number;
}

export interface Propagation {
  /** Every layer rebuilt because an input of it changed shape, in call order. */
  rebuilt: RebuiltLayer[];
  /** The layer the change cannot pass, if any: the changed model cannot be built. */
  failure?: { layer: string; message: string };
}

/**
 * What changes downstream when the call `start` produces `startOutputs`
 * instead of its outputs in the built model.
 *
 * Only calls with an input whose shape changed are built again (with fresh
 * layers, on the storage-less backend), and a call whose rebuilt output
 * keeps its old shape stops the change there: its consumers see the same
 * inputs as before. So the work is the size of the footprint, not of the
 * model: DenseNet121's 58 concatenations take a fraction of a second.
 */
export function propagate(built: BuiltModel, start: LayerCall, startOutputs: SymbolicTensor[]): Propagation {
  const changed = new Map<string, SymbolicTensor[]>();
  const rebuiltLayers = new Map<string, Layer>();
  const rebuilt = new Map<string, RebuiltLayer>();
  if (!sameOutputs(startOutputs, built.tensors.get(start.label) ?? [])) changed.set(start.label, startOutputs);

  const calls = built.graph.calls;
  for (const call of calls.slice(calls.indexOf(start) + 1)) {
    if (!call.from.some((ref) => changed.has(ref.label))) continue;
    const inputs = call.from.flatMap((ref) => resolve(ref, changed.has(ref.label) ? changed : built.tensors));
    let layer = rebuiltLayers.get(call.layer);
    try {
      if (!layer) {
        // A layer first called upstream keeps its weights (they are shared); one
        // defined here is created afresh, so its weights follow its new input.
        layer = call.definition ? createLayer(call.definition) : (built.layers.get(call.layer) as Layer);
        rebuiltLayers.set(call.layer, layer);
      }
      const outputs = applyLayer(layer, call, inputs);
      if (!sameOutputs(outputs, built.tensors.get(call.label) ?? [])) changed.set(call.label, outputs);
      const params = layerParams(layer);
      rebuilt.set(call.layer, {
        name: call.layer,
        type: layer.getClassName(),
        outputShape: outputs.length === 1 ? (outputs[0].shape as FullShape) : outputs.map((o) => o.shape as FullShape),
        params: params.params,
        trainable: params.trainable,
      });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return { rebuilt: [...rebuilt.values()], failure: { layer: call.layer, message: error.message } };
    }
  }
  return { rebuilt: [...rebuilt.values()] };
}

function sameOutputs(a: SymbolicTensor[], b: SymbolicTensor[]): boolean {
  return a.length === b.length && a.every((tensor, i) => sameShape(tensor.shape as FullShape, b[i].shape as FullShape));
}
