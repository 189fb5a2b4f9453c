import { kerasSnakeCase } from '../core/keras-names.js';
import { formatCount } from '../core/numbers.js';
import type { Warning } from '../core/warnings.js';
import type { ListedWeight, WeightListing } from '../readers/weight-listing.js';
import { kerasClassName } from './keras-class.js';
import { userName } from './names.js';
import { isContainer, type Layer, type LayersModel } from './tfjs.js';
import { appendAll } from '../core/lists.js';

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
export function weightWarnings(model: LayersModel, listing: WeightListing): Warning[] {
  if (listing.weights.length === 0) return [];
  if (listing.byTotal) {
    const counted = countUnique(model);
    const listed = countOf(listing.weights);
    return counted === listed ? [] : [mismatch(`the model built here counts ${formatCount(counted)} parameters but ${listing.source} holds ${formatCount(listed)}: the model built here differs from the file's`)];
  }
  const { byLayer, unresolved } = resolveWeights(model, listing.weights);
  const warnings: Warning[] = [];
  compareLayers(model, byLayer, listing.source, warnings);
  if (unresolved.length > 0) {
    const shown = unresolved.slice(0, 4).map((w) => `${w.name} ${formatWeightShape(w.shape)}`);
    const more = unresolved.length > 4 ? `, and ${unresolved.length - 4} more` : '';
    warnings.push(
      mismatch(`${listing.source} lists ${unresolved.length === 1 ? 'a weight' : `${unresolved.length} weights`} (${formatCount(countOf(unresolved))} values) that belong to no layer of the model: ${shown.join(', ')}${more}`),
    );
  }
  return warnings;
}

function compareLayers(scope: LayersModel, byLayer: Map<Layer, ListedWeight[]>, source: string, warnings: Warning[]): void {
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
    const name = userName(layer.name);
    const what = `layer "${name}" (${kerasClassName(layer)})`;
    if (listed.length === 0) {
      warnings.push(mismatch(`${what} counts ${formatCount(counted)} parameters (${formatShapeList(builtShapes)}) but ${source} lists no weights for it`, name));
      continue;
    }
    const fileShapes = listed.map((w) => w.shape);
    const listedCount = countOf(listed);
    const shapes = `shapes ${formatShapeList(builtShapes)} here, ${formatShapeList(fileShapes)} in the file`;
    if (listedCount !== counted) {
      warnings.push(mismatch(`${what} counts ${formatCount(counted)} parameters but ${source} lists ${formatCount(listedCount)} for it: ${shapes}; the model built here differs from the file's`, name));
    } else if (!sameShapes(builtShapes, fileShapes)) {
      warnings.push(mismatch(`${what} counts ${formatCount(counted)} parameters, as ${source} lists, but in other shapes: ${shapes}; the model built here differs from the file's`, name));
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
    const layer = step.layerName !== undefined ? scope.layers.find((l) => userName(l.name) === step.layerName) : savedKeys(scope).get(step.key);
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
    const base = kerasSnakeCase(kerasClassName(layer));
    const seen = used.get(base);
    used.set(base, seen === undefined ? 0 : seen + 1);
    keys.set(seen === undefined ? base : `${base}_${seen + 1}`, layer);
  }
  return keys;
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
          if (!map.has(userName(layer.name))) map.set(userName(layer.name), layer);
          if (isModel(layer)) appendAll(next, layer.layers);
        }
        level = next;
      }
      this.maps.set(scope, map);
    }
    return map.get(name);
  }
}

function isModel(layer: Layer): layer is Layer & LayersModel {
  return isContainer(layer);
}

function mismatch(message: string, layer?: string): Warning {
  return { code: 'weights-mismatch', message, ...(layer ? { layer } : {}) };
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
