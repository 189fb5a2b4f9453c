import { parentPort, workerData } from 'node:worker_threads';
import { LayerCallError, UserError } from '../core/errors.js';
import { analyzeBytes } from '../pipeline.js';
import type { DeepAnswer, DeepTask } from './deep.js';

/** The worker of deep.ts: builds one model and answers with its summary or its error. */
const task = workerData as DeepTask;
let answer: DeepAnswer;
try {
  answer = { summary: analyzeBytes(task.bytes, task.path, task.options) };
} catch (error) {
  if (error instanceof UserError) {
    const call = error instanceof LayerCallError ? { layer: error.layer, layerType: error.layerType, reason: error.reason } : {};
    answer = { userError: { code: error.code, message: error.message, location: error.location, ...call } };
  } else {
    answer = { failure: error instanceof Error ? error.message : String(error) };
  }
}
parentPort?.postMessage(answer);
