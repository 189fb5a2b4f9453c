import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { useKernelBackend } from '../src/model/kernels.js';
import { tfc } from '../src/model/tfjs.js';
import { useShapeOnlyBackend } from '../src/model/shape-only-backend.js';
import { runCli } from './helpers.js';

const require = createRequire(import.meta.url);

/**
 * The backend MERGE_SUMMARY_BACKEND asks for (or the best), made current in
 * this process as --explain makes it, and [[0, 1, 2]] + [[3, 4, 5]] on it;
 * then the storage-less backend again, as the CLI leaves it.
 */
async function addOnBackend(forced?: string): Promise<{ backend: string; values: number[][] }> {
  try {
    const backend = await useKernelBackend(forced === undefined ? {} : { MERGE_SUMMARY_BACKEND: forced });
    const values = tfc.tidy(() => tfc.add(tfc.tensor2d([[0, 1, 2]]), tfc.tensor2d([[3, 4, 5]])).arraySync() as number[][]);
    return { backend: backend.name, values };
  } finally {
    useShapeOnlyBackend();
  }
}

function tfjsNodeInstalled(): boolean {
  try {
    require('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

describe('kernel backends: tfjs-node, else WASM, else pure JS', () => {
  it('uses the best backend that loads', async () => {
    const { backend, values } = await addOnBackend();
    assert.equal(backend, tfjsNodeInstalled() ? 'tensorflow' : 'wasm');
    assert.deepEqual(values, [[3, 5, 7]]);
  });

  it('falls back to WASM, which computes the same', async () => {
    assert.deepEqual(await addOnBackend('wasm'), { backend: 'wasm', values: [[3, 5, 7]] });
  });

  it('falls back to the pure-JS CPU backend, which computes the same', async () => {
    assert.deepEqual(await addOnBackend('cpu'), { backend: 'cpu', values: [[3, 5, 7]] });
  });

  it('--version says which backend is available', async () => {
    const result = await runCli(['--version']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^merge-summary \d+\.\d+\.\d+/);
    assert.match(result.stdout, tfjsNodeInstalled() ? /kernel backend: tfjs-node/ : /kernel backend: WASM \(XNNPACK\)/);
    assert.match((await runCli(['--version'], { env: { MERGE_SUMMARY_BACKEND: 'cpu' } })).stdout, /kernel backend: pure-JS CPU/);
  });
});
