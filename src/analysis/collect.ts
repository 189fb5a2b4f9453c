import type { BuiltModel } from '../model/build.js';
import type { Layer, LayersModel } from '../model/tf.js';
import { shapeList, type FullShape } from '../shapes.js';
import { kerasClassName } from '../model/keras-class.js';
import { layerParams } from './layer-facts.js';
import { analyzeMerges } from './merges.js';
import { modelTotals } from './totals.js';
import type { Connection, LayerSummary, ModelSummary } from './types.js';

interface TfjsNode {
  inboundLayers: Layer[];
  nodeIndices: number[];
  tensorIndices: number[];
  inputShapes: FullShape | FullShape[];
  outputShapes: FullShape | FullShape[];
}

/**
 * Collects the summary of a built model: one entry per layer in Keras's order
 * (tfjs orders model.layers as Keras does: by depth from the inputs, ties in
 * the order the graph was discovered).
 */
export function summarize(built: BuiltModel, options: { merges: boolean } = { merges: true }): ModelSummary {
  const { model, graph } = built;
  const relevant = relevantNodeKeys(model);
  const collected = model.layers.map((layer) => summarizeLayer(layer, relevant));
  const totals = modelTotals(model);
  const { merges, dependsOn } = options.merges ? analyzeMerges(built, collected, totals) : { merges: [], dependsOn: new Map<string, string[]>() };
  const layers = collected.map((layer) => {
    const unverified = built.unverified?.get(layer.name);
    return { ...layer, dependsOnMerges: dependsOn.get(layer.name) ?? [], ...(unverified ? { unverified } : {}) };
  });
  return {
    schema: 'merge-summary/1',
    name: graph.name,
    source: graph.source,
    layers,
    totals,
    merges,
    sequentialLike: isSequentialLike(layers),
    warnings: [...built.warnings],
  };
}

function summarizeLayer(layer: Layer, relevant: Set<string>): LayerSummary {
  const nodes = (layer.inboundNodes as unknown as TfjsNode[]).filter((_, index) => relevant.has(nodeKey(layer, index)));
  const connections: Connection[] = [];
  const inputShapes: FullShape[] = [];
  for (const node of nodes) {
    node.inboundLayers.forEach((inbound, i) => {
      connections.push({ layer: inbound.name, node: node.nodeIndices[i], tensor: node.tensorIndices[i] });
    });
    if (node.inboundLayers.length > 0) inputShapes.push(...shapeList(node.inputShapes));
  }
  const last = nodes[nodes.length - 1];
  const inner = (layer as unknown as { layers?: Layer[] }).layers;
  const nested = Array.isArray(inner) ? inner.map((child) => summarizeLayer(child, relevantNodeKeys(layer as unknown as LayersModel))) : undefined;
  return {
    name: layer.name,
    type: kerasClassName(layer),
    inputs: connections.map((c) => c.layer),
    connections,
    inputShapes,
    outputShape: singleOrList(shapeList(last ? last.outputShapes : (layer.outputShape as FullShape | FullShape[]))),
    ...layerParams(layer),
    layerTrainable: layer.trainable,
    weightVariables: layer.weights.length,
    dependsOnMerges: [],
    ...(nested ? { nested } : {}),
  };
}

function singleOrList(shapes: FullShape[]): FullShape | FullShape[] {
  return shapes.length === 1 ? shapes[0] : shapes;
}

/** tfjs keeps the keys of the nodes that belong to a model, as Keras does. */
function relevantNodeKeys(model: LayersModel): Set<string> {
  return (model as unknown as { containerNodes: Set<string> }).containerNodes;
}

function nodeKey(layer: Layer, index: number): string {
  return `${layer.name}_ib-${index}`;
}

/**
 * Keras's test for leaving out "Connected to": no layer takes several inputs,
 * none is called twice, and none feeds two layers (no branches).
 */
function isSequentialLike(layers: LayerSummary[]): boolean {
  const fedFrom = new Set<string>();
  for (const layer of layers) {
    if (layer.connections.length > 1) return false;
    for (const connection of layer.connections) {
      if (fedFrom.has(connection.layer)) return false;
      fedFrom.add(connection.layer);
    }
  }
  return true;
}
