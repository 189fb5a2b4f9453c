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

/**
 * The whole summary of one model file, built in this thread: for tests and
 * tools. The commands use analyzeFileAsync, which builds a deep model in a
 * worker with the stack it needs.
 */
export function analyzeFile(path: string, options: AnalyzeOptions = {}): ModelSummary {
  const bytes = readInput(path, options);
  return analyzeSource(readBounded(bytes, path, options), options);
}

/** The whole summary of one model file, of any depth: past DEEP_MODEL_LAYERS, built in a worker (cli/deep.ts). */
export async function analyzeFileAsync(path: string, options: AnalyzeOptions = {}): Promise<ModelSummary> {
  const bytes = readInput(path, options);
  const source = readBounded(bytes, path, options);
  if (layerCount(source) >= DEEP_MODEL_LAYERS) return analyzeInWorker({ bytes, path, options });
  return analyzeSource(source, options);
}

/** The summary of a model's bytes, in this thread (the worker of a deep model runs this). */
export function analyzeBytes(bytes: Uint8Array, path: string, options: AnalyzeOptions = {}): ModelSummary {
  return analyzeSource(readBounded(bytes, path, options), options);
}

function analyzeSource(source: ModelSource, options: AnalyzeOptions): ModelSummary {
  return analyzeModel(buildSource(source, options), options);
}

/** A model read from its bytes, refused when it has more layers than tfjs builds in reasonable time. */
function readBounded(bytes: Uint8Array, path: string, options: AnalyzeOptions): ModelSource {
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
  return source;
}
