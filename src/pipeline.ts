import { summarize } from './analysis/summarize.js';
import type { ModelSummary } from './analysis/types.js';
import { buildKerasModel } from './model/build-keras.js';
import { buildModel, type BuiltModel } from './model/build-spec.js';
import { extractFacts } from './model/extract.js';
import { mergeFacts } from './model/swaps.js';
import { withoutConsole } from './model/tfjs.js';
import { displayName, layerCount, modelFromBytes, readInput, readModel, type ModelSource, type ReadOptions } from './readers/read.js';
import { DEEP_MODEL_LAYERS, DEFAULT_MAX_LAYERS, analyzeInWorker } from './cli/deep.js';
import { UserError } from './core/errors.js';
import { formatCount } from './core/numbers.js';

/**
 * readers → model → analysis: the one path from a file the user names to
 * the summary every command renders.
 */
export interface AnalyzeOptions extends ReadOptions {
  /** Merge counterfactuals; comparing sizes (diff, check) can leave them out. */
  merges?: boolean;
  /** Keep going past layers whose class is unknown, marking what they decide as unverified. */
  allowUnknown?: boolean;
  /** Already in the worker of a deep model: build here, whatever the depth. */
  inWorker?: boolean;
  /** Refuse models of more layers than this (DEFAULT_MAX_LAYERS). */
  maxLayers?: number;
}

/** spec or Keras file -> model: every input kind ends as the same built model. */
export function loadModel(path: string, options: AnalyzeOptions = {}): BuiltModel {
  return buildSource(readModel(path, options), options);
}

function buildSource(source: ModelSource, options: AnalyzeOptions): BuiltModel {
  return withoutConsole(() => (source.kind === 'spec' ? buildModel(source.graph) : buildKerasModel(source.topology, { allowUnknown: Boolean(options.allowUnknown) })));
}

/** The summary of a built model, with or without the merges' counterfactuals. */
export function analyzeModel(built: BuiltModel, options: { merges?: boolean } = {}): ModelSummary {
  return withoutConsole(() => summarize(extractFacts(built), options.merges === false ? [] : mergeFacts(built)));
}

/** The whole summary of one model file. */
export function analyzeFile(path: string, options: AnalyzeOptions = {}): ModelSummary {
  return analyzeBytes(readInput(path, options), path, options);
}

/** The whole summary of a model file's bytes; a deep model is built in a worker with the stack it needs (cli/deep.ts). */
export function analyzeBytes(bytes: Uint8Array, path: string, options: AnalyzeOptions = {}): ModelSummary {
  const source = modelFromBytes(bytes, path, options);
  const layers = layerCount(source);
  const maxLayers = options.maxLayers ?? DEFAULT_MAX_LAYERS;
  if (layers > maxLayers) {
    throw new UserError(
      'too-large',
      `the model has ${formatCount(layers)} layers, more than ${formatCount(maxLayers)}: tfjs builds a model's graph in time that grows with the square of its layers (about 20 s for 20,000, minutes for 100,000); to build it all the same, raise --max-layers`,
      { file: displayName(path) },
    );
  }
  if (!options.inWorker && layers >= DEEP_MODEL_LAYERS) return analyzeInWorker({ bytes, path, options });
  return analyzeModel(buildSource(source, options), options);
}
