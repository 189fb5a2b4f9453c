import { summarize } from './analysis/collect.js';
import type { ModelSummary } from './analysis/types.js';
import { buildModel } from './model/build.js';
import { readModelGraph } from './spec/read.js';

/**
 * spec -> model -> analysis: the whole summary of one model file. Comparing
 * sizes (diff, check) needs no merge counterfactuals; they can be left out.
 */
export function analyzeFile(path: string, options: { merges?: boolean } = {}): ModelSummary {
  return summarize(buildModel(readModelGraph(path)), { merges: options.merges ?? true });
}
