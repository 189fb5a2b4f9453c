import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { ROOT, runCli, writeTemp } from './helpers.js';

describe('Keras 3 archives and config.json', () => {
  const config = readFileSync(join(ROOT, 'test', 'golden', 'keras3', 'seed-concat.config.json'));
  const metadata = readFileSync(join(ROOT, 'test', 'golden', 'keras3', 'seed-concat.metadata.json'));
  const weights = new Uint8Array(4096).fill(7);

  it('a .keras archive built here from Keras 3.15 files gives Keras\'s totals and merge analysis', async () => {
    const archive = writeTemp('seed.keras', Buffer.from(zipSync({ 'metadata.json': metadata, 'config.json': config, 'model.weights.h5': weights })));
    const doc = JSON.parse((await runCli([archive, '--json'])).stdout);
    assert.equal(doc.totals.params, 8_086_546);
    assert.equal(doc.totals.nonTrainable, 256);
    assert.equal(doc.merges[0].alternative.totalParams, 6_513_682);
  });

  it('its bare config.json too', async () => {
    assert.equal(JSON.parse((await runCli([writeTemp('config.json', config), '--json'])).stdout).totals.params, 8_086_546);
  });

  it('the old to_yaml() form, with Python tuples', async () => {
    const yaml = [
      'class_name: Sequential',
      'config:',
      '  name: tiny',
      '  layers:',
      '  - class_name: InputLayer',
      '    config: {name: x, batch_input_shape: !!python/tuple [null, 8], dtype: float32}',
      '  - class_name: Dense',
      '    config: {name: hidden, units: 4, activation: relu, use_bias: true}',
      'keras_version: 2.2.4',
    ].join('\n');
    const doc = JSON.parse((await runCli([writeTemp('tiny.yaml', yaml), '--json'])).stdout);
    assert.equal(doc.name, 'tiny');
    assert.equal(doc.totals.params, 8 * 4 + 4);
  });
});

describe('bad model files: a clear error, exit 2', () => {
  const config = readFileSync(join(ROOT, 'test', 'golden', 'keras3', 'seed-concat.config.json'));
  const cases: [string, string | Buffer, RegExp][] = [
    ['not JSON', '{"class_name": "Functional", "config": {', /:1:\d+: not valid JSON/],
    ['JSON that is no model', '{"weights": [1, 2, 3]}', /not a model: expected a merge-summary spec/],
    ['a truncated archive', Buffer.from(zipSync({ 'config.json': config })).subarray(0, 200), /not a readable zip archive \(truncated or damaged\?\)/],
    ['a zip that is not a Keras archive', Buffer.from(zipSync({ 'readme.txt': strToU8('hello') })), /a \.keras archive holds config\.json, and this zip does not \(it holds readme\.txt\)/],
    ['a zip bomb', Buffer.from(zipSync({ 'config.json': new Uint8Array(8 * 1024 * 1024) })), /config\.json expands to more than [\d.]+ MB from [\d.]+ KB .*refusing what looks like a zip bomb/],
    ['a path trick', Buffer.from(zipSync({ '../config.json': config })), /the archive names a path outside itself \("\.\.\/config\.json"\)/],
    [
      'a config referring to a missing layer',
      JSON.stringify({
        class_name: 'Functional',
        config: {
          name: 'broken',
          layers: [
            { class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_input_shape: [null, 4] }, inbound_nodes: [] },
            { class_name: 'Dense', name: 'd', config: { name: 'd', units: 2 }, inbound_nodes: [[['nowhere', 0, 0, {}]]] },
          ],
          input_layers: [['x', 0, 0]],
          output_layers: [['d', 0, 0]],
        },
      }),
      /layer "d" takes "nowhere", which names no layer of the model/,
    ],
  ];
  cases.forEach(([problem, content, message], i) => {
    it(problem, async () => {
      const result = await runCli([writeTemp(`bad-model-${i}.${typeof content === 'string' ? 'json' : 'keras'}`, content)]);
      assert.equal(result.status, 2, result.stdout);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
  });
});
