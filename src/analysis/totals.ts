import type { LayersModel } from '../model/tf.js';
import type { Totals } from './types.js';
import { weightFacts } from './layer-facts.js';

/** Model totals as Keras 3 prints them: shared weights count once. */
export function modelTotals(model: LayersModel): Totals {
  const trainable = weightFacts(model.trainableWeights);
  const nonTrainable = weightFacts(model.nonTrainableWeights);
  return {
    params: trainable.params + nonTrainable.params,
    trainable: trainable.params,
    nonTrainable: nonTrainable.params,
    bytes: trainable.bytes + nonTrainable.bytes,
    trainableBytes: trainable.bytes,
    nonTrainableBytes: nonTrainable.bytes,
  };
}
