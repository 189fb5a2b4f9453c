import { parentPort, workerData } from 'node:worker_threads';
import { LayerCallError, UserError } from '../core/errors.js';
import { analyzeInThread } from '../pipeline.js';
import { prepareModelReaders } from '../readers/read.js';
import type { DeepAnswer, DeepTask } from './deep.js';

/** The worker of deep.ts: builds one model and answers with its summary or its error. */
async function answer(task: DeepTask): Promise<DeepAnswer> {
  try {
    // The readers that load asynchronously (the HDF5 library), as the CLI loads them before a command.
    await prepareModelReaders([task.path, ...(task.options.weights ? [task.options.weights] : [])]);
    return { summary: analyzeInThread(task.path, task.options, task.bytes) };
  } catch (error) {
    if (error instanceof UserError) {
      const call = error instanceof LayerCallError ? { layer: error.layer, layerType: error.layerType, reason: error.reason } : {};
      return { userError: { code: error.code, message: error.message, location: error.location, ...call } };
    }
    return { failure: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * What a worker thread of deep.ts runs: it builds the model its workerData
 * names and posts the answer. Called, not run on import: the worker loads
 * the CLI's own bundle (or, from the sources, this module) and calls it.
 */
export async function runDeepWorker(): Promise<void> {
  parentPort?.postMessage(await answer(workerData as DeepTask));
}
