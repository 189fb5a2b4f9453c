import type { Warning } from '../core/warnings.js';
import { userName } from './names.js';
import { isContainer, type Layer, type LayersModel } from './tfjs.js';

/** A weight as a weights file lists it: its name (`layer/kernel` or a path) and shape. */
export interface ListedWeight {
  name: string;
  shape: number[];
}

/**
 * A weights file lists every weight with its shape. Each layer's parameter
 * count must equal its weights' sizes there; a difference means the model
 * built here is not the file's model.
 */
export function weightListWarnings(model: LayersModel, listed: ListedWeight[], source: string): Warning[] {
  const fromList = new Map<string, number>();
  for (const weight of listed) {
    const parts = String(weight.name).split('/');
    const layer = parts.length > 1 ? parts[parts.length - 2] : parts[0];
    const size = (weight.shape ?? []).reduce((product, dim) => product * dim, 1);
    fromList.set(layer, (fromList.get(layer) ?? 0) + size);
  }
  const warnings: Warning[] = [];
  for (const layer of leafLayers(model)) {
    const counted = layer.countParams();
    const name = userName(layer.name);
    const inList = fromList.get(name) ?? 0;
    if (counted !== inList && (counted > 0 || fromList.has(name))) {
      warnings.push({
        code: 'weights-mismatch',
        layer: name,
        message: `layer "${name}" (${layer.getClassName()}) counts ${counted} parameters but ${source} lists ${inList}: the model built here differs from the file's`,
      });
    }
  }
  return warnings;
}

function leafLayers(model: Layer): Layer[] {
  return isContainer(model) ? model.layers.flatMap(leafLayers) : [model];
}
