import { MERGE_KINDS, type MergeType } from '../core/merge-kinds.js';
import type { Explanation } from './facts.js';
import { useKernelBackend } from './kernels.js';
import { createLayer } from './layer-factory.js';
import { useShapeOnlyBackend } from './shape-only-backend.js';
import { tfc, type Tensor } from './tfjs.js';


/** The example of the seed question's discussion: two (1, 3) tensors. */
const EXAMPLE_INPUTS = [[[0, 1, 2]], [[3, 4, 5]]];

/**
 * Computes, for each merge type given, the example with the real tfjs merge
 * layer on the best kernel backend, then makes the storage-less backend
 * current again: nothing after it can allocate weights by accident.
 */
export async function explainMerges(types: MergeType[], env?: Record<string, string | undefined>): Promise<Explanation> {
  const backend = await useKernelBackend(env);
  try {
    const examples = [...new Set(types)].map((type) => {
      const at = { file: '' };
      const layer = createLayer({ kind: 'spec', name: `example_${type}`, type, args: MERGE_KINDS[type].exampleArgs, argLocations: {}, at, typeAt: at });
      const output = tfc.tidy(() => {
        const result = layer.apply(EXAMPLE_INPUTS.map((values) => tfc.tensor2d(values))) as Tensor;
        return { values: result.arraySync() as number[][], shape: result.shape };
      });
      return { type, inputs: EXAMPLE_INPUTS, output: output.values, outputShape: output.shape, advice: MERGE_KINDS[type].advice };
    });
    return { backend: backend.label, examples };
  } finally {
    useShapeOnlyBackend();
  }
}
