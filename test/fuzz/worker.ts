import { parentPort } from 'node:worker_threads';
import type { FuzzCase } from './cases.js';
import { runCase } from './run-case.js';

/** A worker of `npm run fuzz`: runs the cases it is sent, one at a time, and answers with their outcomes. */
parentPort?.on('message', async ({ id, fuzz, dir }: { id: number; fuzz: FuzzCase; dir: string }) => {
  const outcome = await runCase(fuzz, dir);
  parentPort?.postMessage({ id, outcome });
});
parentPort?.postMessage({ ready: true });
