import { tfc, type Layer, type LayerVariable } from '../model/tf.js';

/** The parameter facts of a set of weights, each weight counted once. */
export interface WeightFacts {
  params: number;
  bytes: number;
}

export function weightFacts(weights: LayerVariable[]): WeightFacts {
  const seen = new Set<number>();
  let params = 0;
  let bytes = 0;
  for (const weight of weights) {
    if (seen.has(weight.id)) continue;
    seen.add(weight.id);
    const size = weight.shape.reduce<number>((product, dim) => product * (dim ?? 0), 1);
    params += size;
    bytes += size * tfc.util.bytesPerElement(weight.dtype);
  }
  return { params, bytes };
}

/** Keras's per-layer counts: BatchNorm moving statistics and frozen layers' weights are non-trainable. */
export function layerParams(layer: Layer): { params: number; trainable: number; nonTrainable: number; bytes: number } {
  const trainable = weightFacts(layer.trainableWeights);
  const nonTrainable = weightFacts(layer.nonTrainableWeights);
  return {
    params: trainable.params + nonTrainable.params,
    trainable: trainable.params,
    nonTrainable: nonTrainable.params,
    bytes: trainable.bytes + nonTrainable.bytes,
  };
}
