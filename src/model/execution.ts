import { shapeList, type FullShape } from '../core/shapes.js';
import { layerKeys, ownersOf } from './call-graph.js';
import type { ExecutedCall, ExecutionFacts, LayerAt, TensorFact, WeightShape } from './facts.js';
import { kerasClassName } from './keras-class.js';
import { userName } from './names.js';
import { isContainer, kerasCallNumber, nodeIndex, nodesInExecutionOrder, outputReferences, type Container, type Layer } from './tfjs.js';

/**
 * A model's calls in the order tfjs (as Keras) runs them, deepest first,
 * with the tensors between them, as plain facts: what the cost rules and
 * the liveness walk of activation memory read. A model used as a layer
 * keeps its own calls under `nested` (they run in place of its call); a
 * Sequential whose first layer is a model runs that model's layers itself,
 * and their `path` says which model they belong to.
 *
 * `configOf` gives a layer's configuration (extraction reads each once);
 * `inputDtypes` the dtypes the model's inputs were declared with, by input
 * name, where tfjs builds another (an int8 input is built as int32).
 */
export function executionFacts(model: Container, configOf: (layer: Layer) => Record<string, unknown>, inputDtypes: Map<string, string> = new Map()): ExecutionFacts {
  const owners = ownersOf(model);
  const keyOf = layerKeys();
  const tensorId = (layer: Layer, node: number, tensor: number) => `${keyOf(layer)}[${kerasCallNumber(layer, node)}][${tensor}]`;
  const tensors: TensorFact[] = [];
  const inputs: string[] = [];
  const inputLayers: LayerAt[] = [];
  const calls: ExecutedCall[] = [];
  for (const node of nodesInExecutionOrder(model)) {
    const layer = node.outboundLayer;
    const index = nodeIndex(node);
    const outputs = node.outputTensors.map((tensor, k) => {
      const id = tensorId(layer, index, k);
      const declared = node.inboundLayers.length === 0 ? inputDtypes.get(userName(layer.name)) : undefined;
      tensors.push({ id, shape: tensor.shape as FullShape, dtype: declared ?? tensor.dtype });
      return id;
    });
    const owner = owners.get(layer);
    if (layer.getClassName() === 'InputLayer') {
      inputs.push(...outputs);
      inputLayers.push({ name: userName(layer.name), path: owner?.path ?? [] });
      continue;
    }
    const container = isContainer(layer);
    calls.push({
      layer: userName(layer.name),
      path: owner?.path ?? [],
      node: index,
      type: kerasClassName(layer),
      config: container ? {} : configOf(layer),
      weights: container ? [] : weightShapes(layer),
      inputShapes: shapeList(node.inputShapes as FullShape | FullShape[]),
      outputShapes: shapeList(node.outputShapes as FullShape | FullShape[]),
      inputs: node.inboundLayers.map((inbound, i) => tensorId(inbound, node.nodeIndices[i], node.tensorIndices[i])),
      outputs,
      ...(container ? { nested: executionFacts(layer, configOf) } : {}),
    });
  }
  const outputs = outputReferences(model).map((ref) => tensorId(ref.layer, ref.node, ref.tensor));
  return { tensors, inputs, inputLayers, outputs, calls };
}


/**
 * A layer's weights as the cost rules read them. The name is the one the
 * layer gave (`conv2d/kernel`): tfjs makes names unique across a process by
 * a suffix (`conv2d/kernel_1` for a second model's), which would hide what
 * the weight is.
 */
export function weightShapes(layer: Layer): WeightShape[] {
  return [...layer.trainableWeights, ...layer.nonTrainableWeights].map((weight) => ({ name: weight.originalName, shape: weight.shape.map((dim) => dim ?? 0) }));
}
