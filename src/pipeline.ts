import { summarize } from './analysis/collect.js';
import type { ModelSummary } from './analysis/types.js';
import { buildModel } from './model/build.js';
import { readModelGraph } from './spec/read.js';

/** spec -> model -> analysis: the whole summary of one model file. */
export function analyzeFile(path: string): ModelSummary {
  return summarize(buildModel(readModelGraph(path)));
}
