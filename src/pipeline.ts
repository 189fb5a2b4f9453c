import { summarize } from './analysis/summarize.js';
import type { ModelSummary } from './analysis/types.js';
import { buildKerasModel } from './model/build-keras.js';
import { buildModel, type BuiltModel } from './model/build-spec.js';
import { extractFacts } from './model/extract.js';
import { mergeFacts } from './model/swaps.js';
import { readModel, type ModelSource, type ReadOptions } from './readers/read.js';

/**
 * readers → model → analysis: the one path from a file the user names to
 * the summary every command renders.
 */
export interface AnalyzeOptions extends ReadOptions {
  /** Merge counterfactuals; comparing sizes (diff, check) can leave them out. */
  merges?: boolean;
  /** Keep going past layers whose class is unknown, marking what they decide as unverified. */
  allowUnknown?: boolean;
  /** The batch size costs are counted at (default 1). */
  batchSize?: number;
}

/** spec or Keras file -> model: every input kind ends as the same built model. */
export function loadModel(path: string, options: AnalyzeOptions = {}): BuiltModel {
  return buildSource(readModel(path, options), options);
}

/** A model read, built on the storage-less backend. */
export function buildSource(source: ModelSource, options: AnalyzeOptions = {}): BuiltModel {
  return source.kind === 'spec' ? buildModel(source.graph) : buildKerasModel(source.topology, { allowUnknown: Boolean(options.allowUnknown) });
}

/** The summary of a built model, with or without the merges' counterfactuals. */
export function analyzeModel(built: BuiltModel, options: { merges?: boolean; batchSize?: number } = {}): ModelSummary {
  return summarize(extractFacts(built), options.merges === false ? [] : mergeFacts(built), { batchSize: options.batchSize });
}

/** The whole summary of one model file. */
export function analyzeFile(path: string, options: AnalyzeOptions = {}): ModelSummary {
  return analyzeModel(loadModel(path, options), options);
}
