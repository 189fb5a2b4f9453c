import { kerasClassName } from '../model/keras-class.js';
import type { Layer, LayersModel } from '../model/tf.js';

/**
 * The weights a file lists, with their shapes and where each belongs: a TF.js
 * weights manifest, the model_weights/ group of a Keras .h5 file, a
 * save_weights file, or a Keras 3 .weights.h5. Never their values.
 */
export interface WeightListing {
  /** How messages name where the weights come from: "the weights manifest", "model.weights.h5". */
  source: string;
  weights: ListedWeight[];
  /** The weights cannot be told apart by layer (a checkpoint's variables/N entries): only the totals are compared. */
  byTotal?: boolean;
}

export interface ListedWeight {
  /** The weight's name or path in the file, for messages. */
  name: string;
  shape: number[];
  locator: WeightLocator;
}

/**
 * Which layer a weight belongs to.
 * - `names`: the path of names a Keras 2 / legacy .h5 file or a TF.js
 *   manifest gives the weight (`bidirectional_5/bidirectional_5/forward_lstm_9`,
 *   `sequential_9/Conv1`): the layer is the deepest of these names that names
 *   a layer, each name looked for inside the model the previous one found.
 *   Names that name no layer (the model's own name, a cell, a variable scope)
 *   are passed over.
 * - `saved`: a Keras 3 weights file's path `layers/<key>/layers/<key>/...`:
 *   one step per nesting level, each with the layer's name when the file
 *   records it (Keras 3.10 and later write it on the `vars` group), else only
 *   the key Keras saved it under: the snake_case class name, numbered in the
 *   order of the model's layers (`dense`, `dense_1`, ...).
 */
export type WeightLocator = { kind: 'names'; names: string[] } | { kind: 'saved'; steps: { key: string; layerName?: string }[] };

interface Resolved {
  byLayer: Map<Layer, ListedWeight[]>;
  unresolved: ListedWeight[];
}

/**
 * Compares, layer by layer, the parameters of the model built here with the
 * weights a file lists: a layer whose count or weight shapes differ from the
 * file's is a warning naming the layer with both counts and both sets of
 * shapes. A difference means the model built here is not the file's model
 * (or the weights do not belong to it).
 */
export function weightWarnings(model: LayersModel, listing: WeightListing): string[] {
  if (listing.weights.length === 0) return [];
  if (listing.byTotal) {
    const counted = countUnique(model);
    const listed = countOf(listing.weights);
    return counted === listed ? [] : [`the model built here counts ${counted.toLocaleString('en-US')} parameters but ${listing.source} holds ${listed.toLocaleString('en-US')}: the model built here differs from the file's`];
  }
  const { byLayer, unresolved } = resolveWeights(model, listing.weights);
  const warnings: string[] = [];
  compareLayers(model, byLayer, listing.source, warnings);
  if (unresolved.length > 0) {
    const shown = unresolved.slice(0, 4).map((w) => `${w.name} ${formatWeightShape(w.shape)}`);
    const more = unresolved.length > 4 ? `, and ${unresolved.length - 4} more` : '';
    warnings.push(
      `${listing.source} lists ${unresolved.length === 1 ? 'a weight' : `${unresolved.length} weights`} (${countOf(unresolved).toLocaleString('en-US')} values) that belong to no layer of the model: ${shown.join(', ')}${more}`,
    );
  }
  return warnings;
}

function compareLayers(scope: LayersModel, byLayer: Map<Layer, ListedWeight[]>, source: string, warnings: string[]): void {
  for (const layer of scope.layers) {
    if (isModel(layer) && !byLayer.has(layer)) {
      compareLayers(layer, byLayer, source, warnings);
      continue;
    }
    // A nested model whose weights the file files under its own name (not its layers') is compared as a whole.
    const listed = isModel(layer) ? [layer, ...descendants(layer)].flatMap((l) => byLayer.get(l) ?? []) : (byLayer.get(layer) ?? []);
    const counted = layer.countParams();
    if (counted === 0 && listed.length === 0) continue;
    const builtShapes = layer.weights.map((w) => w.shape as number[]);
    const what = `layer "${layer.name}" (${kerasClassName(layer)})`;
    if (listed.length === 0) {
      warnings.push(`${what} counts ${counted.toLocaleString('en-US')} parameters (${formatShapeList(builtShapes)}) but ${source} lists no weights for it`);
      continue;
    }
    const fileShapes = listed.map((w) => w.shape);
    const listedCount = countOf(listed);
    const shapes = `shapes ${formatShapeList(builtShapes)} here, ${formatShapeList(fileShapes)} in the file`;
    if (listedCount !== counted) {
      warnings.push(`${what} counts ${counted.toLocaleString('en-US')} parameters but ${source} lists ${listedCount.toLocaleString('en-US')} for it: ${shapes}; the model built here differs from the file's`);
    } else if (!sameShapes(builtShapes, fileShapes)) {
      warnings.push(`${what} counts ${counted.toLocaleString('en-US')} parameters, as ${source} lists, but in other shapes: ${shapes}; the model built here differs from the file's`);
    }
  }
}

function resolveWeights(model: LayersModel, weights: ListedWeight[]): Resolved {
  const byLayer = new Map<Layer, ListedWeight[]>();
  const unresolved: ListedWeight[] = [];
  const index = new SubtreeIndex();
  for (const weight of weights) {
    const layer = weight.locator.kind === 'names' ? resolveByNames(model, weight.locator.names, index) : resolveBySteps(model, weight.locator.steps);
    if (layer === undefined) unresolved.push(weight);
    else byLayer.set(layer, [...(byLayer.get(layer) ?? []), weight]);
  }
  return { byLayer, unresolved };
}

function resolveByNames(model: LayersModel, names: string[], index: SubtreeIndex): Layer | undefined {
  let scope = model;
  let found: Layer | undefined;
  for (const name of names) {
    const layer = index.find(scope, name);
    if (layer === undefined) continue;
    found = layer;
    if (!isModel(layer)) break;
    scope = layer;
  }
  return found;
}

function resolveBySteps(model: LayersModel, steps: { key: string; layerName?: string }[]): Layer | undefined {
  let scope = model;
  let found: Layer | undefined;
  for (const step of steps) {
    const layer = step.layerName !== undefined ? scope.layers.find((l) => l.name === step.layerName) : savedKeys(scope).get(step.key);
    if (layer === undefined) return undefined;
    found = layer;
    if (!isModel(layer)) break;
    scope = layer;
  }
  return found;
}

/** The keys Keras 3 saves a model's layers under: the snake_case class name, then _1, _2, ... in the order of the model's layers. */
function savedKeys(model: LayersModel): Map<string, Layer> {
  const used = new Map<string, number>();
  const keys = new Map<string, Layer>();
  for (const layer of model.layers) {
    const base = snakeCase(kerasClassName(layer));
    const seen = used.get(base);
    used.set(base, seen === undefined ? 0 : seen + 1);
    keys.set(seen === undefined ? base : `${base}_${seen + 1}`, layer);
  }
  return keys;
}

/** Keras's naming.to_snake_case: Conv2D → conv2d, BatchNormalization → batch_normalization. */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Every layer inside a model, by name, the shallowest first; built once per model. */
class SubtreeIndex {
  private readonly maps = new Map<LayersModel, Map<string, Layer>>();

  find(scope: LayersModel, name: string): Layer | undefined {
    let map = this.maps.get(scope);
    if (!map) {
      map = new Map();
      let level: Layer[] = [...scope.layers];
      while (level.length > 0) {
        const next: Layer[] = [];
        for (const layer of level) {
          if (!map.has(layer.name)) map.set(layer.name, layer);
          if (isModel(layer)) next.push(...layer.layers);
        }
        level = next;
      }
      this.maps.set(scope, map);
    }
    return map.get(name);
  }
}

function isModel(layer: Layer): layer is Layer & LayersModel {
  return 'layers' in layer && Array.isArray((layer as unknown as LayersModel).layers);
}

function descendants(model: LayersModel): Layer[] {
  return model.layers.flatMap((layer) => (isModel(layer) ? [layer, ...descendants(layer)] : [layer]));
}

/** Parameters of the model, each weight once (a shared layer's weights are listed once in a file). */
function countUnique(model: LayersModel): number {
  const seen = new Set<number>();
  let total = 0;
  for (const weight of model.weights) {
    if (seen.has(weight.id)) continue;
    seen.add(weight.id);
    total += (weight.shape as number[]).reduce((product, dim) => product * dim, 1);
  }
  return total;
}

function countOf(weights: ListedWeight[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce((product, dim) => product * dim, 1), 0);
}

function sameShapes(a: number[][], b: number[][]): boolean {
  const key = (shapes: number[][]) => shapes.map((s) => s.join('x')).sort().join(' ');
  return key(a) === key(b);
}

function formatWeightShape(shape: number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

function formatShapeList(shapes: number[][]): string {
  return shapes.length === 0 ? 'none' : shapes.map(formatWeightShape).join(', ');
}
