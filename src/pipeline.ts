import { summarize } from './analysis/collect.js';
import { summarizeSubclassed } from './analysis/subclassed.js';
import type { ModelSummary } from './analysis/types.js';
import { buildModel, type BuiltModel } from './model/build.js';
import { buildKerasModel } from './model/build-keras.js';
import { UserError } from './errors.js';
import { readModel, readWeightsFile, type ModelSource } from './spec/read.js';
import { weightWarnings } from './spec/weights-check.js';

export interface AnalyzeOptions {
  /** Merge counterfactuals; comparing sizes (diff, check) can leave them out. */
  merges?: boolean;
  /** Keep going past layers whose class is unknown, marking what they decide as unverified. */
  allowUnknown?: boolean;
  /** A weights file (save_weights .h5, .weights.h5, TF.js manifest) to check the model's layers against. */
  weights?: string;
}

/** spec or Keras file -> model: every input kind ends as the same built model. */
export function loadModel(path: string, options: AnalyzeOptions = {}, source: ModelSource = readModel(path)): BuiltModel {
  if (source.kind === 'subclassed') throw new UserError('a subclassed model has no layer graph to build', { file: path });
  const built = source.kind === 'spec' ? buildModel(source.graph) : buildKerasModel(source.topology, { allowUnknown: Boolean(options.allowUnknown) });
  if (!options.weights) return built;
  return { ...built, warnings: [...built.warnings, ...weightWarnings(built.model, readWeightsFile(options.weights))] };
}

/** spec -> model -> analysis: the whole summary of one model file. */
export function analyzeFile(path: string, options: AnalyzeOptions = {}): ModelSummary {
  const source = readModel(path);
  if (source.kind === 'subclassed') {
    if (options.weights) throw new UserError('--weights: a subclassed model is checked against its own checkpoint; --weights is not taken with it', { file: path });
    return summarizeSubclassed(source.model, { allowUnknown: options.allowUnknown });
  }
  return summarize(loadModel(path, options, source), { merges: options.merges ?? true });
}
