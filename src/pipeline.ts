import { summarize } from './analysis/summarize.js';
import type { ModelSummary } from './analysis/types.js';
import { DEEP_MODEL_LAYERS, DEFAULT_MAX_LAYERS, analyzeInWorker } from './cli/deep.js';
import { UserError } from './core/errors.js';
import { formatCount } from './core/numbers.js';
import { buildKerasModel } from './model/build-keras.js';
import { buildModel, type BuiltModel } from './model/build-spec.js';
import { extractFacts } from './model/extract.js';
import { subclassedFacts } from './model/subclassed.js';
import { mergeFacts } from './model/swaps.js';
import { withoutConsole } from './model/tfjs.js';
import { weightWarnings } from './model/weights-check.js';
import { displayName, layerCount, modelFromBytes, readInput, readModel, readWeightsFile, type ModelSource, type ReadOptions } from './readers/read.js';

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
  /** Refuse models of more layers than this (DEFAULT_MAX_LAYERS). */
  maxLayers?: number;
}

/** spec or Keras file -> model: every input kind with a layer graph ends as the same built model. */
export function loadModel(path: string, options: AnalyzeOptions = {}): BuiltModel {
  return buildSource(readModel(path, options), options);
}

/** A model read, built on the storage-less backend, its weights checked against --weights if given. */
export function buildSource(source: ModelSource, options: AnalyzeOptions = {}): BuiltModel {
  if (source.kind === 'subclassed') throw new UserError('model', 'a subclassed model has no layer graph to build', { file: source.model.file });
  const built = withoutConsole(() => (source.kind === 'spec' ? buildModel(source.graph) : buildKerasModel(source.topology, { allowUnknown: Boolean(options.allowUnknown) })));
  if (!options.weights) return built;
  return { ...built, warnings: [...built.warnings, ...weightWarnings(built.model, readWeightsFile(options.weights, options))] };
}

/** The summary of a built model, with or without the merges' counterfactuals. */
export function analyzeModel(built: BuiltModel, options: { merges?: boolean; batchSize?: number } = {}): ModelSummary {
  return withoutConsole(() => summarize(extractFacts(built), options.merges === false ? [] : mergeFacts(built), { batchSize: options.batchSize }));
}

/**
 * The whole summary of one model file, built in this thread: for tests and
 * tools. The commands use analyzeFileAsync, which builds a deep model in a
 * worker with the stack it needs.
 */
export function analyzeFile(path: string, options: AnalyzeOptions = {}): ModelSummary {
  return analyzeSource(readBoundedModel(path, options), path, options);
}

/** The whole summary of one model file, of any depth: past DEEP_MODEL_LAYERS, built in a worker (cli/deep.ts). */
export async function analyzeFileAsync(path: string, options: AnalyzeOptions = {}): Promise<ModelSummary> {
  // Standard input cannot be read twice: its bytes go to the worker.
  const bytes = path === '-' ? readInput(path, options) : undefined;
  const source = bounded(bytes ? modelFromBytes(bytes, path, options) : readModel(path, options), path, options);
  if (layerCount(source) >= DEEP_MODEL_LAYERS) return analyzeInWorker({ path, options, ...(bytes ? { bytes } : {}) });
  return analyzeSource(source, path, options);
}

/** The summary of a model in this thread, from its bytes when given (the worker of a deep model runs this). */
export function analyzeInThread(path: string, options: AnalyzeOptions, bytes?: Uint8Array): ModelSummary {
  const source = bounded(bytes ? modelFromBytes(bytes, path, options) : readModel(path, options), path, options);
  return analyzeSource(source, path, options);
}

function analyzeSource(source: ModelSource, path: string, options: AnalyzeOptions): ModelSummary {
  if (source.kind === 'subclassed') {
    if (options.weights) throw new UserError('usage', '--weights: a subclassed model is checked against its own checkpoint; --weights is not taken with it', { file: displayName(path) });
    return withoutConsole(() => summarize(subclassedFacts(source.model, { allowUnknown: options.allowUnknown }), [], { batchSize: options.batchSize }));
  }
  return analyzeModel(buildSource(source, options), options);
}

/** A model file read, refused when it has more layers than are built in reasonable time and memory (--max-layers). */
export function readBoundedModel(path: string, options: AnalyzeOptions = {}): ModelSource {
  return bounded(readModel(path, options), path, options);
}

/** A model read, refused when it has more layers than are built in reasonable time and memory. */
function bounded(source: ModelSource, path: string, options: AnalyzeOptions): ModelSource {
  const layers = layerCount(source);
  const maxLayers = options.maxLayers ?? DEFAULT_MAX_LAYERS;
  if (layers > maxLayers) {
    throw new UserError(
      'too-large',
      `the model has ${formatCount(layers)} layers, more than ${formatCount(maxLayers)}: a model's time and memory grow with its layers (about 22 s and 3.3 GB for 200,000 in a chain); to build it all the same, raise --max-layers`,
      { file: displayName(path) },
    );
  }
  return source;
}
