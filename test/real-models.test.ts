import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { analyzeFile } from '../src/pipeline.js';
import { HAS_REAL_MODELS, REAL_MODELS, runCli, writeTemp } from './helpers.js';

const REAL = REAL_MODELS;
/** A clone without ../shared skips these, and says so. */
const SKIP = HAS_REAL_MODELS ? false : `no ${REAL_MODELS} here (the third-party model files live beside the repository, not in it)`;
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

describe('every file in shared/real-models summarises to the ground truth of SOURCES.md', { skip: SKIP }, () => {
  const truth = HAS_REAL_MODELS ? groundTruth() : [];
  it('reads all 16 rows of SOURCES.md', () => assert.equal(truth.length, 16));
  for (const row of truth) {
    it(row.file, async () => {
      const summary = analyzeFile(real(row.file), { allowUnknown: NEEDS_ALLOW_UNKNOWN.has(row.file) });
      assert.deepEqual(
        { params: summary.totals.params, trainable: summary.totals.trainable, nonTrainable: summary.totals.nonTrainable },
        { params: row.params, trainable: row.trainable, nonTrainable: row.nonTrainable },
      );
      assert.deepEqual(summary.warnings.filter((w) => w.code === 'weights-mismatch'), [], 'every layer matches its weights manifest');
    });
  }
});

describe('what the real files need', { skip: SKIP }, () => {
  it('the config.json member of an archive from shared/real-models, in an archive again', async () => {
    const ncf = readFileSync(real('ncf-tour-recommender-keras-config.json'));
    const archive = writeTemp('ncf.keras', Buffer.from(zipSync({ 'config.json': ncf, 'metadata.json': strToU8('{"keras_version": "2.15.0"}') })));
    assert.equal(JSON.parse((await runCli([archive, '--json'])).stdout).totals.params, 11_297);
  });

  it('merges of real models get the same merge analysis (U-Net skip concatenations)', async () => {
    const summary = analyzeFile(real('unet-128-segmentation.json'));
    assert.equal(summary.merges.length, 5);
    assert.ok(summary.merges.every((m) => m.type === 'Concatenate'));
  });

  it('TensorFlowOpLayer DepthToSpace: (48, 48, 12) becomes (96, 96, 3), named as Keras names it', async () => {
    const layer = analyzeFile(real('anime4k-mobilenetv2-superres.json')).layers.find((l) => l.type === 'TensorFlowOpLayer')!;
    assert.equal(layer.name, 'tf_op_layer_DepthToSpace');
    const [batch, height, width, channels] = layer.inputShapes[0];
    assert.deepEqual(layer.outputShape, [batch, height! * 2, width! * 2, channels! / 4]);
  });

  it('a Lambda or custom layer stops the summary with its name and why, exit 2; --allow-unknown goes on and marks it', async () => {
    const stopped = await runCli([real('two-tower-recommender-dot-doubleencoded.json')]);
    assert.equal(stopped.status, 2);
    assert.match(stopped.stderr, /layer "lambda" \(Lambda\) cannot be summarised: a Lambda layer runs Python code .* \(and 1 more such layer\)\. With --allow-unknown/);
    const custom = await runCli([real('siamese-speaker-l1distance-keras3-config.json')]);
    assert.match(custom.stderr, /layer "l1_distance_2" \(L1Distance\) cannot be summarised: its class L1Distance is neither/);
    const allowed = await runCli([real('siamese-speaker-l1distance-keras3-config.json'), '--allow-unknown', '--json']);
    assert.equal(allowed.status, 0);
    const doc = JSON.parse(allowed.stdout);
    assert.deepEqual(doc.layers.filter((l: { unverified?: string }) => l.unverified).map((l: { name: string }) => l.name), ['l1_distance_2', 'dense_11']);
    assert.match(allowed.stderr, /warning: layer "l1_distance_2" \(L1Distance\) is unknown/);
  });

  it('nested models are one row with their totals; --expand-nested shows their layers', async () => {
    const summary = analyzeFile(real('resnet50v2-in-sequential-monkeypox.json'));
    const nested = summary.layers.find((l) => l.type === 'Functional')!;
    assert.equal(nested.name, 'resnet50v2');
    assert.equal(nested.nested!.length, 190);
    assert.equal(nested.trainable, 0, 'the frozen base counts as non-trainable, as in Keras');
    const plain = (await runCli([real('resnet50v2-in-sequential-monkeypox.json'), '--width', '200', '--merges', 'all'])).stdout;
    const expanded = (await runCli([real('resnet50v2-in-sequential-monkeypox.json'), '--expand-nested', '--width', '200'])).stdout;
    assert.doesNotMatch(plain, /│ *└? ?conv5_block3_out \(Add\)/, 'the nested layers are no rows of their own');
    // Keras's prefix of a nested row: three spaces a level, then "└ ".
    assert.match(expanded, /│ {4}└ conv5_block3_out \(Add\)/);
    // Merges inside the nested model are marked in its rows, and what depends on them, by MODEL/NAME.
    assert.match(expanded, /│ {4}└ conv2_block1_out \(Add\) +│[^\n]*│ ◆ 256 \+ 256 → 256/);
    assert.match(expanded, /│ {4}└ conv2_block2_preact_bn \(BatchNormalization\) +│[^\n]*│ ↳ resnet50v2\/conv2_block1_out/);
    assert.match(plain, /◆ resnet50v2\/conv5_block3_out \(Add\)/, 'merge impact names nested merges with their model');
  });

  it('a TF.js weights manifest that disagrees with the built model is a warning naming the layer', async () => {
    const doc = JSON.parse(readFileSync(real('unet-128-segmentation.json'), 'utf8'));
    const weight = doc.weightsManifest[0].weights.find((w: { name: string }) => w.name.endsWith('/kernel'));
    weight.shape = [...weight.shape.slice(0, -1), weight.shape[weight.shape.length - 1] + 1];
    const result = await runCli([writeTemp('tampered-model.json', JSON.stringify(doc))]);
    assert.equal(result.status, 0);
    const layer = weight.name.split('/').slice(-2)[0];
    assert.match(result.stderr, new RegExp(`warning: layer "${layer}" \\(Conv2D\\) counts \\d+ parameters but the weights manifest lists \\d+`));
  });
});
