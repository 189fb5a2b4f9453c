import { summarize } from './analysis/summarize.js';
import type { ModelSummary } from './analysis/types.js';
import { UserError } from './core/errors.js';
import { buildKerasModel } from './model/build-keras.js';
import { buildModel, type BuiltModel } from './model/build-spec.js';
import { extractFacts } from './model/extract.js';
import { subclassedFacts } from './model/subclassed.js';
import { mergeFacts } from './model/swaps.js';
import { weightWarnings } from './model/weights-check.js';
import { readModel, readWeightsFile, type ModelSource, type ReadOptions } from './readers/read.js';

/**
 * readers → model → analysis: the one path from a file the user names to
 * the summary every command renders.
 */
export interface AnalyzeOptions extends ReadOptions {
  /** Merge counterfactuals; comparing sizes (diff, check) can leave them out. */
  merges?: boolean;
  /** Keep going past layers whose class is unknown, marking what they decide as unverified. */
  allowUnknown?: boolean;
  /** A weights file (save_weights .h5, .weights.h5, .keras, TF.js manifest) to check the model's layers against. */
  weights?: string;
  /** The batch size costs are counted at (default 1). */
  batchSize?: number;
}

/** spec or Keras file -> model: every input kind with a layer graph ends as the same built model. */
export function loadModel(path: string, options: AnalyzeOptions = {}): BuiltModel {
  return buildSource(readModel(path, options), options);
}

/** A model read, built on the storage-less backend, its weights checked against --weights if given. */
export function buildSource(source: ModelSource, options: AnalyzeOptions = {}): BuiltModel {
  if (source.kind === 'subclassed') throw new UserError('model', 'a subclassed model has no layer graph to build', { file: source.model.file });
  const built = source.kind === 'spec' ? buildModel(source.graph) : buildKerasModel(source.topology, { allowUnknown: Boolean(options.allowUnknown) });
  if (!options.weights) return built;
  return { ...built, warnings: [...built.warnings, ...weightWarnings(built.model, readWeightsFile(options.weights, options))] };
}

/** The summary of a built model, with or without the merges' counterfactuals. */
export function analyzeModel(built: BuiltModel, options: { merges?: boolean; batchSize?: number } = {}): ModelSummary {
  return summarize(extractFacts(built), options.merges === false ? [] : mergeFacts(built), { batchSize: options.batchSize });
}

/** The whole summary of one model file. */
export function analyzeFile(path: string, options: AnalyzeOptions = {}): ModelSummary {
  const source = readModel(path, options);
  if (source.kind === 'subclassed') {
    if (options.weights) throw new UserError('usage', '--weights: a subclassed model is checked against its own checkpoint; --weights is not taken with it', { file: path });
    return summarize(subclassedFacts(source.model, { allowUnknown: options.allowUnknown }), [], { batchSize: options.batchSize });
  }
  return analyzeModel(buildSource(source, options), options);
}
