import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, spawnCli, writeTemp } from './helpers.js';

/** A spec of one input of 4 features and `count` ReLU layers in a chain. */
function chain(count: number): string {
  return `inputs:\n  - {shape: [4]}\nlayers:\n${'  - {type: ReLU}\n'.repeat(count)}`;
}

describe('deep models', () => {
  it('a chain of 5,000 layers, past where the default stack ends, is summarised', () => {
    // tfjs builds a model's graph recursively; in Node's default stack this failed
    // with "Maximum call stack size exceeded" from about 4,500 layers on.
    const result = spawnCli([writeTemp('chain-5000.yaml', chain(5_000)), '--json']);
    assert.equal(result.status, 0, result.stderr);
    const doc = JSON.parse(result.stdout);
    assert.equal(doc.layers.length, 5_001);
    assert.deepEqual(doc.layers[5_000].outputShape, [null, 4]);
    assert.equal(doc.totals.params, 0);
  });

  it('past --max-layers, a clear refusal at once', async () => {
    const result = await runCli([writeTemp('chain-12.yaml', chain(12)), '--max-layers', '10']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /chain-12\.yaml: the model has 13 layers, more than 10: a model's time and memory grow with its layers .* raise --max-layers/);
  });

  it('errors from the worker that builds a deep model are located as any other', () => {
    const text = `${chain(2_100)}  - {type: Dense, units: -1}\n`;
    const result = spawnCli([writeTemp('deep-error.yaml', text)]);
    assert.equal(result.status, 2, result.stdout.slice(0, 200));
    assert.match(result.stderr, /deep-error\.yaml:2104:19: layer "dense" \(Dense\): "units" must be a positive whole number, not -1/);
  });
});
