import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ROOT, spawnCli } from './helpers.js';

/** Each case runs in its own process: the backend chosen is per process. */
function addOnBackend(forced?: string): { backend: string; values: number[][] } {
  const script = `
    import { useKernelBackend } from './src/model/kernels.ts';
    import { tfc } from './src/model/tfjs.ts';
    const backend = await useKernelBackend();
    const values = tfc.add(tfc.tensor2d([[0, 1, 2]]), tfc.tensor2d([[3, 4, 5]])).arraySync();
    console.log(JSON.stringify({ backend: backend.name, values }));`;
  const env = { ...process.env, MERGE_SUMMARY_BACKEND: forced };
  if (forced === undefined) delete env.MERGE_SUMMARY_BACKEND;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, env, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').pop() as string);
}

function tfjsNodeInstalled(): boolean {
  const probe = spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], { cwd: ROOT });
  return probe.status === 0;
}

describe('kernel backends: tfjs-node, else WASM, else pure JS', () => {
  it('uses the best backend that loads', async () => {
    const { backend, values } = addOnBackend();
    assert.equal(backend, tfjsNodeInstalled() ? 'tensorflow' : 'wasm');
    assert.deepEqual(values, [[3, 5, 7]]);
  });

  it('falls back to WASM, which computes the same', async () => {
    assert.deepEqual(addOnBackend('wasm'), { backend: 'wasm', values: [[3, 5, 7]] });
  });

  it('falls back to the pure-JS CPU backend, which computes the same', async () => {
    assert.deepEqual(addOnBackend('cpu'), { backend: 'cpu', values: [[3, 5, 7]] });
  });

  it('--version says which backend is available', async () => {
    const result = spawnCli(['--version']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^merge-summary \d+\.\d+\.\d+/);
    assert.match(result.stdout, tfjsNodeInstalled() ? /kernel backend: tfjs-node/ : /kernel backend: WASM \(XNNPACK\)/);
    assert.match((spawnCli(['--version'], { env: { MERGE_SUMMARY_BACKEND: 'cpu' } })).stdout, /kernel backend: pure-JS CPU/);
  });
});
