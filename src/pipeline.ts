import { summarize } from './analysis/collect.js';
import type { ModelSummary } from './analysis/types.js';
import { buildModel, type BuiltModel } from './model/build.js';
import { buildKerasModel } from './model/build-keras.js';
import { readModel } from './spec/read.js';

export interface AnalyzeOptions {
  /** Merge counterfactuals; comparing sizes (diff, check) can leave them out. */
  merges?: boolean;
  /** Keep going past layers whose class is unknown, marking what they decide as unverified. */
  allowUnknown?: boolean;
}

/** spec or Keras file -> model: every input kind ends as the same built model. */
export function loadModel(path: string, options: AnalyzeOptions = {}): BuiltModel {
  const source = readModel(path);
  return source.kind === 'spec' ? buildModel(source.graph) : buildKerasModel(source.topology, { allowUnknown: Boolean(options.allowUnknown) });
}

/** spec -> model -> analysis: the whole summary of one model file. */
export function analyzeFile(path: string, options: AnalyzeOptions = {}): ModelSummary {
  return summarize(loadModel(path, options), { merges: options.merges ?? true });
}
