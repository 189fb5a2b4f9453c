import { summarize } from './analysis/summarize.js';
import type { ModelSummary } from './analysis/types.js';
import { buildKerasModel } from './model/build-keras.js';
import { buildModel, type BuiltModel } from './model/build-spec.js';
import { extractFacts } from './model/extract.js';
import { mergeFacts } from './model/swaps.js';
import { withoutConsole } from './model/tfjs.js';
import { readModel, type ReadOptions } from './readers/read.js';

/**
 * readers → model → analysis: the one path from a file the user names to
 * the summary every command renders.
 */
export interface AnalyzeOptions extends ReadOptions {
  /** Merge counterfactuals; comparing sizes (diff, check) can leave them out. */
  merges?: boolean;
  /** Keep going past layers whose class is unknown, marking what they decide as unverified. */
  allowUnknown?: boolean;
}

/** spec or Keras file -> model: every input kind ends as the same built model. */
export function loadModel(path: string, options: AnalyzeOptions = {}): BuiltModel {
  const source = readModel(path, options);
  return withoutConsole(() => (source.kind === 'spec' ? buildModel(source.graph) : buildKerasModel(source.topology, { allowUnknown: Boolean(options.allowUnknown) })));
}

/** The summary of a built model, with or without the merges' counterfactuals. */
export function analyzeModel(built: BuiltModel, options: { merges?: boolean } = {}): ModelSummary {
  return withoutConsole(() => summarize(extractFacts(built), options.merges === false ? [] : mergeFacts(built)));
}

/** The whole summary of one model file. */
export function analyzeFile(path: string, options: AnalyzeOptions = {}): ModelSummary {
  return analyzeModel(loadModel(path, options), options);
}
