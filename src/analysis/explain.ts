import { createLayer } from '../model/layer-factory.js';
import { useKernelBackend } from '../model/kernels.js';
import { tfc, type Layer } from '../model/tf.js';
import type { ModelSummary } from './types.js';

/** One merge applied to a tiny example with real tfjs kernels. */
export interface MergeExample {
  type: string;
  inputs: number[][][];
  output: number[][];
  outputShape: number[];
  /** When to prefer it, in one line. */
  advice: string;
}

export interface Explanation {
  backend: string;
  examples: MergeExample[];
}

/** The example of the seed question's discussion: two (1, 3) tensors. */
const EXAMPLE_INPUTS = [[[0, 1, 2]], [[3, 4, 5]]];

const ADVICE: Record<string, { args: Record<string, unknown>; advice: string }> = {
  Add: { args: {}, advice: 'keeps the width (3 and 3 give 3): combines same-shaped features, as residual connections do; nothing after it grows' },
  Concatenate: {
    args: { axis: -1 },
    advice: 'sums the widths (3 and 3 give 6): keeps both inputs whole, and every layer after it that depends on the width grows with it',
  },
  Subtract: { args: {}, advice: 'keeps the width: the first input minus the second (comparing two embeddings); order matters' },
  Multiply: { args: {}, advice: 'keeps the width: scales or gates one input by the other (attention, squeeze-and-excitation); broadcasts' },
  Average: { args: {}, advice: 'keeps the width: the mean of the inputs, e.g. to ensemble branches' },
  Maximum: { args: {}, advice: 'keeps the width: the larger value at each position' },
  Minimum: { args: {}, advice: 'keeps the width: the smaller value at each position' },
  Dot: { args: { axes: -1 }, advice: 'contracts the inputs on the dot axes to a score (width 1): a similarity, the width disappears' },
};

/**
 * Computes, for each merge type in the model, the example with the real tfjs
 * merge layer on the best kernel backend. This leaves the kernel backend
 * current: call it after every summary is built.
 */
export async function explainMerges(summary: ModelSummary): Promise<Explanation> {
  const types = [...new Set(summary.merges.map((merge) => merge.type))];
  const backend = await useKernelBackend();
  const examples = types.map((type) => {
    const layer: Layer = createLayer({ name: `example_${type}`, type, args: ADVICE[type].args, argLocations: {}, at: { file: '' }, typeAt: { file: '' } });
    const output = tfc.tidy(() => {
      const result = layer.apply(EXAMPLE_INPUTS.map((values) => tfc.tensor2d(values))) as import('@tensorflow/tfjs-core').Tensor;
      return { values: result.arraySync() as number[][], shape: result.shape };
    });
    return { type, inputs: EXAMPLE_INPUTS, output: output.values, outputShape: output.shape, advice: ADVICE[type].advice };
  });
  return { backend: backend.label, examples };
}
