import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { ROOT, runCli, spawnCli, writeTemp } from './helpers.js';

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
    [
      'a layer that runs a framework\'s code (TorchModuleWrapper): why it cannot be known, at its name',
      JSON.stringify({
        class_name: 'Functional',
        config: {
          name: 'wrapped',
          layers: [
            { class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_input_shape: [null, 4] }, inbound_nodes: [] },
            { class_name: 'TorchModuleWrapper', name: 'torch', config: { name: 'torch', module: 'gASV...' }, inbound_nodes: [[['x', 0, 0, {}]]] },
          ],
          input_layers: [['x', 0, 0]],
          output_layers: [['torch', 0, 0]],
        },
      }),
      /layer "torch" \(TorchModuleWrapper\) cannot be summarised: a TorchModuleWrapper runs a PyTorch module, Python code no configuration holds\. With --allow-unknown/,
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

/**
 * Patches the uncompressed size a zip declares for its only member, in the
 * central directory (offset 24 of its entry) and the local header (offset 22),
 * as a crafted archive would: the reader must never trust it.
 */
function declareUncompressedSize(zip: Uint8Array, size: number): Buffer {
  const patched = Buffer.from(zip);
  const local = patched.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  const central = patched.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  assert.ok(local >= 0 && central > local, 'a zip with one local header and one central directory entry');
  patched.writeUInt32LE(size, local + 22);
  patched.writeUInt32LE(size, central + 24);
  return patched;
}

describe('limits on what is read: stopped by the bytes that arrive, not by what a header says', () => {
  const config = readFileSync(join(ROOT, 'test', 'golden', 'keras3', 'seed-concat.config.json'));

  it('metadata.json is inflated within the same limits as config.json', async () => {
    const bomb = Buffer.from(zipSync({ 'config.json': config, 'metadata.json': new Uint8Array(8 * 1024 * 1024) }));
    const result = await runCli([writeTemp('metadata-bomb.keras', bomb)]);
    assert.equal(result.status, 2, result.stdout);
    assert.match(result.stderr, /metadata-bomb\.keras: metadata\.json expands to more than [\d.]+ MB from [\d.]+ KB .*refusing what looks like a zip bomb/);
  });

  it('a header that under-declares a bomb\'s size (100 B) is not believed', async () => {
    const lying = declareUncompressedSize(zipSync({ 'config.json': new Uint8Array(8 * 1024 * 1024) }), 100);
    const result = await runCli([writeTemp('lying-header.keras', lying)]);
    assert.equal(result.status, 2, result.stdout);
    assert.match(result.stderr, /config\.json expands to more than [\d.]+ MB from [\d.]+ KB \(its header says 100(\.00)? B\); refusing what looks like a zip bomb/);
  });

  it('a header that under-declares an honest member\'s size: the member is read whole, as it inflates', async () => {
    const honest = declareUncompressedSize(zipSync({ 'config.json': config }), 10);
    const doc = JSON.parse((await runCli([writeTemp('honest-lying-header.keras', honest), '--json'])).stdout);
    assert.equal(doc.totals.params, 8_086_546);
  });

  it('--max-input-size bounds a file, a member of an archive, and standard input', async () => {
    const spec = join(ROOT, 'fixtures', 'seed-concat.yaml');
    const file = await runCli([spec, '--max-input-size', '1KB']);
    assert.equal(file.status, 2);
    assert.match(file.stderr, /seed-concat\.yaml: the input is larger than 1(\.0+)? KB, more than any model file needs; if it really is one, raise the limit with --max-input-size/);
    assert.equal((await runCli([spec, '--max-input-size', '64KB'])).status, 0, 'the same file under a limit it fits in');

    const archive = writeTemp('limited.keras', Buffer.from(zipSync({ 'config.json': config }, { level: 0 })));
    const member = await runCli([archive, '--max-input-size', '2KB']);
    assert.equal(member.status, 2);
    assert.match(member.stderr, /config\.json takes [\d.]+ KB, more than any model configuration needs; if it really is one, raise the limit with --max-input-size/);

    const piped = spawnCli(['-', '--max-input-size', '1KB'], { input: readFileSync(spec) });
    assert.equal(piped.status, 2);
    assert.match(piped.stderr, /^<stdin>: the input is larger than 1(\.0+)? KB/);
    assert.doesNotMatch(piped.stderr, /\n\s+at /);
  });

  it('JSON nested 10,000 levels deep, as a spec and as a Keras file: refused where the nesting passes the limit', async () => {
    const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const spec = await runCli([writeTemp('deep-spec.json', `{"inputs": ${deep(10_000)}}`)]);
    assert.equal(spec.status, 2);
    assert.match(spec.stderr, /deep-spec\.json:1:\d+: nesting is deeper than 64 levels; a model needs far fewer/);
    const keras = await runCli([writeTemp('deep-keras.json', `{"class_name": "Functional", "config": {"name": "m", "layers": [{"class_name": "Dense", "config": ${deep(10_000)}}]}}`)]);
    assert.equal(keras.status, 2);
    assert.match(keras.stderr, /deep-keras\.json:1:\d+: nesting is deeper than 64 levels/);
    assert.doesNotMatch(spec.stderr + keras.stderr, /\n\s+at |Maximum call stack/);
  });
});
