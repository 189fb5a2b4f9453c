import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LayerCallError, UserError, type ErrorCode, type SourceLocation } from '../core/errors.js';
import type { ModelSummary } from '../analysis/types.js';
import type { AnalyzeOptions } from '../pipeline.js';

/**
 * Deep models are built in a worker thread with a large stack. tfjs builds
 * a model's graph recursively, a few frames a layer (Container's
 * buildMapOfGraph), and Node's default stack ends near 4,500 layers in a
 * chain ("Maximum call stack size exceeded"). A worker's stack is as large
 * as it is asked to be; starting one costs a few hundred milliseconds (it
 * loads tfjs again), so only models past DEEP_MODEL_LAYERS pay it. A
 * worker that dies (out of memory) is an error, never a wait.
 */
export const DEEP_MODEL_LAYERS = 2_000;

/**
 * The most layers a model may have unless --max-layers says more. With
 * tfjs's graph building made linear (model/tfjs.ts), time and memory grow
 * with the layers: here a chain of 100,000 layers takes about 11 s and
 * 1.6 GB, 200,000 about 22 s and 3.3 GB. Past this, a model is refused at
 * once with that said, rather than seeming to hang or running out of
 * memory; --max-layers builds it all the same.
 */
export const DEFAULT_MAX_LAYERS = 200_000;

/** Enough for a chain of 100,000 layers and more: tfjs uses about 250 bytes of stack a layer. */
const STACK_MB = 512;
/** The worker's heap: a 100,000-layer chain takes about 2.5 GB. */
const HEAP_MB = 8192;

/** What the worker is given: the model's path and how to read it, and for standard input (which cannot be read twice) its bytes. */
export interface DeepTask {
  path: string;
  options: AnalyzeOptions;
  bytes?: Uint8Array;
}

export type DeepAnswer =
  | { summary: ModelSummary }
  | { userError: { code: ErrorCode; message: string; location?: SourceLocation; layer?: string; layerType?: string; reason?: string } }
  | { failure: string };

/** The summary of a deep model, built in a worker with a large stack; its errors are thrown here as they were there. */
export async function analyzeInWorker(task: DeepTask): Promise<ModelSummary> {
  const worker = startWorker(task);
  try {
    const answer = await new Promise<DeepAnswer>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the worker building the model stopped (exit ${code}) without an answer`)));
    }).catch((error: NodeJS.ErrnoException): DeepAnswer => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        throw new UserError('too-large', `building the model ran out of memory (${HEAP_MB / 1024} GB); it is larger than this tool can summarise`, { file: task.path === '-' ? '<stdin>' : task.path });
      }
      throw error;
    });
    if ('summary' in answer) return answer.summary;
    if ('failure' in answer) throw new Error(answer.failure);
    const { code, message, location, layer, layerType, reason } = answer.userError;
    throw layer !== undefined && layerType !== undefined && reason !== undefined ? new LayerCallError(layer, layerType, reason, location) : new UserError(code, message, location);
  } finally {
    await worker.terminate();
  }
}

/**
 * The worker runs deep-worker.ts's runDeepWorker: from the CLI's bundle
 * itself when bundled (one copy of the code in the package, not a second
 * bundle of the same modules), else from the TypeScript sources (tests).
 */
function startWorker(workerData: DeepTask): Worker {
  const here = new URL(import.meta.url);
  const resourceLimits = { stackSizeMb: STACK_MB, maxOldGenerationSizeMb: HEAP_MB };
  if (here.pathname.endsWith('.cjs')) {
    // An eval'd worker is CommonJS: it requires the bundle, and lends it import() for the ES modules it loads (h5wasm), as bin/merge-summary.js does.
    const bootstrap = `const bundle = require(${JSON.stringify(fileURLToPath(here))}); bundle.setModuleImporter((specifier) => import(specifier)); void bundle.runDeepWorker();`;
    return new Worker(bootstrap, { eval: true, workerData, resourceLimits });
  }
  // The worker registers tsx before it loads its entry.
  const entry = new URL('./deep-worker.ts', here);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); }).then((worker) => worker.runDeepWorker());`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits });
}
