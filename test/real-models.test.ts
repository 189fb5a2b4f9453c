import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { analyzeFile } from '../src/pipeline.js';
import { REAL_MODELS, ROOT, WITHOUT_REAL_MODELS, runCli, writeTemp } from './helpers.js';

const REAL = REAL_MODELS;
const real = (file: string) => join(REAL, file);

/** The ground truth of ../shared/real-models/SOURCES.md: its table's total, trainable and non-trainable columns. */
function groundTruth(): { file: string; params: number; trainable: number; nonTrainable: number }[] {
  const text = readFileSync(join(REAL, 'SOURCES.md'), 'utf8');
  const rows = text.split('\n').filter((line) => /^\| [\w-]+\.json \|/.test(line));
  const header = text.split('\n').find((line) => line.startsWith('| file |'))!.split('|').map((cell) => cell.trim());
  const column = (name: string) => header.indexOf(name);
  const count = (cell: string) => Number(cell.trim().replace(/,/g, ''));
  return rows.map((row) => {
    const cells = row.split('|').map((cell) => cell.trim());
    return { file: cells[column('file')], params: count(cells[column('total params')]), trainable: count(cells[column('trainable')]), nonTrainable: count(cells[column('non-trainable')]) };
  });
}

/** Files with a layer no configuration can describe: a custom L1Distance, Lambda layers. */
const NEEDS_ALLOW_UNKNOWN = new Set(['siamese-speaker-l1distance-keras3-config.json', 'two-tower-recommender-dot-doubleencoded.json']);

describe('every file in shared/real-models summarises to the ground truth of SOURCES.md', { skip: WITHOUT_REAL_MODELS }, () => {
  const truth = WITHOUT_REAL_MODELS ? [] : groundTruth();
  it('reads all 16 rows of SOURCES.md', () => assert.equal(truth.length, 16));
  for (const row of truth) {
    it(row.file, () => {
      const summary = analyzeFile(real(row.file), { allowUnknown: NEEDS_ALLOW_UNKNOWN.has(row.file) });
      assert.deepEqual(
        { params: summary.totals.params, trainable: summary.totals.trainable, nonTrainable: summary.totals.nonTrainable },
        { params: row.params, trainable: row.trainable, nonTrainable: row.nonTrainable },
      );
      assert.deepEqual(summary.warnings.filter((w) => w.includes('weights manifest')), [], 'every layer matches its weights manifest');
    });
  }
});

describe('what the real files need', { skip: WITHOUT_REAL_MODELS }, () => {
  it('merges of real models get the same merge analysis (U-Net skip concatenations)', () => {
    const summary = analyzeFile(real('unet-128-segmentation.json'));
    assert.equal(summary.merges.length, 5);
    assert.ok(summary.merges.every((m) => m.type === 'Concatenate'));
  });

  it('TensorFlowOpLayer DepthToSpace: (48, 48, 12) becomes (96, 96, 3), named as Keras names it', () => {
    const layer = analyzeFile(real('anime4k-mobilenetv2-superres.json')).layers.find((l) => l.type === 'TensorFlowOpLayer')!;
    assert.equal(layer.name, 'tf_op_layer_DepthToSpace');
    const [batch, height, width, channels] = layer.inputShapes[0];
    assert.deepEqual(layer.outputShape, [batch, height! * 2, width! * 2, channels! / 4]);
  });

  it('a Lambda or custom layer stops the summary with its name and why, exit 2; --allow-unknown goes on and marks it', () => {
    const stopped = runCli([real('two-tower-recommender-dot-doubleencoded.json')]);
    assert.equal(stopped.status, 2);
    assert.match(stopped.stderr, /layer "lambda" \(Lambda\) cannot be summarised: a Lambda layer runs Python code .* \(and 1 more such layer\)\. With --allow-unknown/);
    const custom = runCli([real('siamese-speaker-l1distance-keras3-config.json')]);
    assert.match(custom.stderr, /layer "l1_distance_2" \(L1Distance\) cannot be summarised: its class L1Distance is neither/);
    const allowed = runCli([real('siamese-speaker-l1distance-keras3-config.json'), '--allow-unknown', '--json']);
    assert.equal(allowed.status, 0);
    const doc = JSON.parse(allowed.stdout);
    assert.deepEqual(doc.layers.filter((l: { unverified?: string }) => l.unverified).map((l: { name: string }) => l.name), ['l1_distance_2', 'dense_11']);
    assert.match(allowed.stderr, /warning: layer "l1_distance_2" \(L1Distance\) is unknown/);
  });

  it('nested models are one row with their totals; --expand-nested shows their layers', () => {
    const summary = analyzeFile(real('resnet50v2-in-sequential-monkeypox.json'));
    const nested = summary.layers.find((l) => l.type === 'Functional')!;
    assert.equal(nested.name, 'resnet50v2');
    assert.equal(nested.nested!.length, 190);
    assert.equal(nested.trainable, 0, 'the frozen base counts as non-trainable, as in Keras');
    const plain = runCli([real('resnet50v2-in-sequential-monkeypox.json'), '--width', '140']).stdout;
    const expanded = runCli([real('resnet50v2-in-sequential-monkeypox.json'), '--expand-nested', '--width', '140']).stdout;
    assert.doesNotMatch(plain, /conv5_block3_out/);
    assert.match(expanded, /│ └ conv5_block3_out \(Add\)/);
  });

  it('a TF.js weights manifest that disagrees with the built model is a warning naming the layer', () => {
    const doc = JSON.parse(readFileSync(real('unet-128-segmentation.json'), 'utf8'));
    const weight = doc.weightsManifest[0].weights.find((w: { name: string }) => w.name.endsWith('/kernel'));
    weight.shape = [...weight.shape.slice(0, -1), weight.shape[weight.shape.length - 1] + 1];
    const result = runCli([writeTemp('tampered-model.json', JSON.stringify(doc))]);
    assert.equal(result.status, 0);
    const layer = weight.name.split('/').slice(-2)[0];
    assert.match(result.stderr, new RegExp(`warning: layer "${layer}" \\(Conv2D\\) counts [\\d,]+ parameters but the weights manifest lists [\\d,]+`));
  });
});

describe('Keras 3 archives and config.json', () => {
  const config = readFileSync(join(ROOT, 'test', 'golden', 'keras3', 'seed-concat.config.json'));
  const metadata = readFileSync(join(ROOT, 'test', 'golden', 'keras3', 'seed-concat.metadata.json'));
  const weights = new Uint8Array(4096).fill(7);

  it('a .keras archive built here from Keras 3.15 files gives Keras\'s totals and merge analysis', () => {
    const archive = writeTemp('seed.keras', Buffer.from(zipSync({ 'metadata.json': metadata, 'config.json': config, 'model.weights.h5': weights })));
    const doc = JSON.parse(runCli([archive, '--json']).stdout);
    assert.equal(doc.totals.params, 8_086_546);
    assert.equal(doc.totals.nonTrainable, 256);
    assert.equal(doc.merges[0].alternative.totalParams, 6_513_682);
  });

  it('its bare config.json too, and the config.json members of shared/real-models in an archive', { skip: WITHOUT_REAL_MODELS }, () => {
    assert.equal(JSON.parse(runCli([writeTemp('config.json', config), '--json']).stdout).totals.params, 8_086_546);
    const ncf = readFileSync(real('ncf-tour-recommender-keras-config.json'));
    const archive = writeTemp('ncf.keras', Buffer.from(zipSync({ 'config.json': ncf, 'metadata.json': strToU8('{"keras_version": "2.15.0"}') })));
    assert.equal(JSON.parse(runCli([archive, '--json']).stdout).totals.params, 11_297);
  });

  it('the old to_yaml() form, with Python tuples', () => {
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
    const doc = JSON.parse(runCli([writeTemp('tiny.yaml', yaml), '--json']).stdout);
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
    ['a zip bomb', Buffer.from(zipSync({ 'config.json': new Uint8Array(8 * 1024 * 1024) })), /config\.json would expand to 8\.0 MB from .*refusing what looks like a zip bomb/],
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
    it(problem, () => {
      const result = runCli([writeTemp(`bad-model-${i}.${typeof content === 'string' ? 'json' : 'keras'}`, content)]);
      assert.equal(result.status, 2, result.stdout);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
  });
});
