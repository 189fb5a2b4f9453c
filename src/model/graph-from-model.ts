import type { SourceLocation } from '../errors.js';
import type { Dim, InputNode, LayerCall, ModelGraph, TensorRef } from '../spec/graph.js';
import { kerasClassName } from './keras-class.js';
import type { Layer, LayersModel, SymbolicTensor } from './tf.js';

interface TfjsNode {
  outboundLayer: Layer;
  inboundLayers: Layer[];
  nodeIndices: number[];
  tensorIndices: number[];
  outputTensors: SymbolicTensor[];
}

export interface DerivedGraph {
  graph: ModelGraph;
  tensors: Map<string, SymbolicTensor[]>;
  layers: Map<string, Layer>;
}

/**
 * The call graph of a model tfjs built from a Keras or TF.js file, in the
 * form a spec gives: inputs, then every call of a layer in an order where its
 * inputs come first, each layer's first call carrying its configuration. With
 * it, merge impact, diff and check treat a real model exactly like a spec.
 */
export function graphFromModel(
  model: LayersModel,
  source: string,
  at: SourceLocation,
  customObjects: Record<string, unknown>,
): DerivedGraph {
  const nodesByDepth = (model as unknown as { nodesByDepth: Record<string, TfjsNode[]> }).nodesByDepth;
  const depths = Object.keys(nodesByDepth).map(Number).sort((a, b) => b - a);
  const label = (layer: Layer, node: number) => (node === 0 ? layer.name : `${layer.name}#${node}`);
  const inputs: InputNode[] = [];
  const calls: LayerCall[] = [];
  const tensors = new Map<string, SymbolicTensor[]>();
  const layers = new Map<string, Layer>();
  for (const depth of depths) {
    for (const node of nodesByDepth[depth]) {
      const layer = node.outboundLayer;
      const nodeLabel = label(layer, (layer.inboundNodes as unknown as TfjsNode[]).indexOf(node));
      tensors.set(nodeLabel, node.outputTensors);
      if (layer.getClassName() === 'InputLayer') {
        const shape = node.outputTensors[0].shape as Dim[];
        inputs.push({ name: layer.name, shape: shape.slice(1), dtype: node.outputTensors[0].dtype, at });
        continue;
      }
      const from: TensorRef[] = node.inboundLayers.map((inbound, i) => ({ label: label(inbound, node.nodeIndices[i]), index: node.tensorIndices[i], at }));
      const first = !layers.has(layer.name);
      layers.set(layer.name, layer);
      calls.push({
        label: nodeLabel,
        layer: layer.name,
        from,
        at,
        definition: first
          ? {
              name: layer.name,
              type: kerasClassName(layer),
              args: {},
              argLocations: {},
              at,
              typeAt: at,
              tfjs: { className: layer.getClassName(), config: layer.getConfig(), customObjects },
            }
          : undefined,
      });
    }
  }
  const outputNodes = (model as unknown as { outputLayersNodeIndices: number[]; outputLayersTensorIndices: number[] });
  const outputs: TensorRef[] = model.outputLayers.map((layer, i) => ({
    label: label(layer, outputNodes.outputLayersNodeIndices[i]),
    index: outputNodes.outputLayersTensorIndices[i],
    at,
  }));
  return { graph: { name: model.name, source, inputs, calls, outputs, at }, tensors, layers };
}
