import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isKnownLayerClass } from '../src/analysis/costs.js';
import type { LayerSummary, ModelSummary, PossibleAlternative } from '../src/analysis/types.js';
import { KERAS_SIGNATURES } from '../src/core/keras-signatures.js';
import { layerClasses } from '../src/model/layer-factory.js';
import { analyzeFile } from '../src/pipeline.js';
import { ROOT, fixture, runCli, writeTemp } from './helpers.js';

const ADD = fixture('seed-add.yaml');
const CONCAT = fixture('seed-concat.yaml');
const NESTED = join(ROOT, 'test', 'golden', 'keras-printed', 'nested-frozen.json');

/*
 * The seed model by hand, at batch size 1 (docs/costs.md: output positions ×
 * kernel volume × input channels × filters for a convolution, inputs ×
 * units for a Dense, zero for BatchNormalization, ReLU, merges, Flatten):
 *   conv2d, conv2d_2:   32·32 positions × 64 filters × 24·24 kernel × 3 channels  =   113,246,208 each
 *   conv2d_1, conv2d_3: 32·32 positions × 64 filters × 24·24 kernel × 64 channels = 2,415,919,104 each
 *   dense:   131,072 inputs × 24 with Concatenate (32·32·128), 65,536 × 24 with Add
 *   dense_1: 24 × 10 = 240
 */
const CONV_FIRST = 32 * 32 * 64 * 24 * 24 * 3;
const CONV_SECOND = 32 * 32 * 64 * 24 * 24 * 64;
const BRANCHES = 2 * (CONV_FIRST + CONV_SECOND);
const CONCAT_MACS = BRANCHES + 131_072 * 24 + 24 * 10;
const ADD_MACS = BRANCHES + 65_536 * 24 + 24 * 10;
/** A (32, 32, 64) float32 map. */
const MAP = 32 * 32 * 64 * 4;

const layer = (summary: ModelSummary, name: string): LayerSummary => {
  const found = summary.layers.find((l) => l.name === name);
  assert.ok(found, `no layer ${name}`);
  return found;
};

const alternative = (summary: ModelSummary): PossibleAlternative => {
  const alt = summary.merges[0].alternative;
  assert.ok(alt.possible);
  return alt;
};

describe('the seed model\'s mult-adds, both ways', () => {
  const concat = analyzeFile(CONCAT);
  const add = analyzeFile(ADD);

  it('every layer\'s count, and the totals', () => {
    assert.equal(CONV_FIRST, 113_246_208);
    assert.equal(CONV_SECOND, 2_415_919_104);
    for (const [name, macs] of [['conv2d', CONV_FIRST], ['conv2d_2', CONV_FIRST], ['conv2d_1', CONV_SECOND], ['conv2d_3', CONV_SECOND], ['batch_normalization', 0], ['re_lu', 0], ['concatenate', 0], ['flatten', 0], ['dense', 131_072 * 24], ['dense_1', 240]] as const) {
      assert.equal(layer(concat, name).macs, macs, name);
    }
    assert.equal(layer(add, 'dense').macs, 65_536 * 24);
    assert.equal(concat.totals.macs, CONCAT_MACS);
    assert.equal(add.totals.macs, ADD_MACS);
    assert.equal(CONCAT_MACS - ADD_MACS, 1_572_864);
  });

  it('the counterfactual counts the other model exactly: Concatenate as Add, and Add as Concatenate', () => {
    const asAdd = alternative(concat);
    assert.equal(asAdd.totalMacs, ADD_MACS);
    assert.equal(asAdd.totalMacsChange, -1_572_864);
    assert.equal(asAdd.totalMacsPercent, (-1_572_864 / CONCAT_MACS) * 100);
    const asConcat = alternative(add);
    assert.equal(asConcat.totalMacs, CONCAT_MACS);
    assert.equal(asConcat.totalMacsChange, 1_572_864);
    const dense = concat.merges[0].affected.find((a) => a.name === 'dense');
    assert.deepEqual([dense?.macs, dense?.alternativeMacs, dense?.macsChange], [131_072 * 24, 65_536 * 24, -1_572_864]);
  });

  it('peak activation memory both ways: the Concatenate holds its two inputs and its double-width output at once', () => {
    // Concatenate: 64 + 64 channels in, 128 out. As Add the most live at once is three (32, 32, 64) maps.
    assert.equal(concat.totals.peakActivationBytes, 4 * MAP);
    assert.equal(concat.totals.peakActivationAt, 'concatenate');
    assert.equal(alternative(concat).peakActivationBytes, 3 * MAP);
    assert.equal(alternative(concat).peakActivationBytesChange, -MAP);
    assert.equal(add.totals.peakActivationBytes, 3 * MAP);
    assert.equal(alternative(add).peakActivationBytes, 4 * MAP);
    // Each layer's output: a (32, 32, 128) float32 map for the Concatenate.
    assert.equal(layer(concat, 'concatenate').activationBytes, 2 * MAP);
    assert.equal(layer(concat, 'input_layer').activationBytes, 32 * 32 * 3 * 4);
  });

  it('merge impact says it in a sentence, and in a column of the affected layers', async () => {
    const { stdout } = await runCli([CONCAT, '--width', '240']);
    const prose = stdout.replace(/\n +/g, ' ');
    assert.match(prose, /As Add: output \(None, 32, 32, 64\) instead of \(None, 32, 32, 128\); total params 8,086,546 → 6,513,682 \(−1,572,864, −19\.5%\); mult-adds 5\.06 G → 5\.06 G \(−1\.57 M, −0\.03%\); peak activations 1\.00 MB → 768\.00 KB \(−256\.00 KB\)/);
    assert.match(stdout, /│ flatten \(Flatten\) +│ \(None, 131072\) → \(None, 65536\) +│ +0 │ +0 │ 512\.00 KB → 256\.00 KB \(−256\.00 KB\) │/);
  });

  it('the compact line of a merge not shown in full has the same changes', async () => {
    const { stdout } = await runCli([ADD, '--format', 'markdown']);
    assert.match(stdout, /- ◆ add \(Add, 64 \+ 64 → 64\): as Concatenate: params \+1,572,864 \(\+24\.1%\), mult-adds \+1\.57 M \(\+0\.03%\), peak activations \+256\.00 KB, 2 layers change/);
  });
});

describe('the footer: mult-adds, torchinfo\'s sizes, the peak of live activations', () => {
  it('prints each line, at batch size 1 by default', async () => {
    const { stdout } = await runCli([CONCAT, '--merges', 'none']);
    const inputs = 2 * 32 * 32 * 3 * 4;
    // torchinfo's forward/backward pass: twice the outputs of the layers with parameters (4 convolutions, 2 batch normalizations, 2 Dense).
    const pass = 2 * (6 * MAP + (24 + 10) * 4);
    assert.match(stdout, /^ Total mult-adds: 5\.06 G$/m);
    assert.match(stdout, /^ Input size: 24\.00 KB$/m);
    assert.equal(inputs, 24 * 1024);
    assert.match(stdout, /^ Forward\/backward pass size: 3\.00 MB$/m);
    assert.equal((pass / 1024 ** 2).toFixed(2), '3.00');
    assert.match(stdout, /^ Params size: 30\.85 MB$/m);
    assert.match(stdout, /^ Estimated total size: 33\.87 MB$/m);
    assert.equal(((inputs + pass + 8_086_546 * 4) / 1024 ** 2).toFixed(2), '33.87');
    assert.match(stdout, /^ Peak activations \(inference\): 1\.00 MB, at concatenate$/m);
  });

  it('--batch-size N multiplies what scales with the batch, and says so', async () => {
    const summary = analyzeFile(CONCAT, { batchSize: 4 });
    assert.equal(summary.totals.batchSize, 4);
    assert.equal(summary.totals.macs, 4 * CONCAT_MACS);
    assert.equal(summary.totals.peakActivationBytes, 4 * 4 * MAP);
    assert.equal(summary.totals.bytes, 8_086_546 * 4, 'parameters do not grow with the batch');
    const { stdout } = await runCli([CONCAT, '--batch-size', '4', '--merges', 'none']);
    assert.match(stdout, /^ Total mult-adds \(batch size 4\): 20\.25 G$/m);
  });

  it('a model that fixes its batch size is counted, labelled and reported at it; a --batch-size it overrides is a warning', async () => {
    // Dense 3 → 4 on a batch fixed at 8: 8 × 3 × 4 = 96 mult-adds, whatever --batch-size says.
    const spec = writeTemp('fixed-batch.yaml', 'inputs:\n  - {shape: [3], batch_size: 8}\nlayers:\n  - {type: Dense, units: 4}\n');
    const asked = await runCli([spec, '--batch-size', '2', '--json']);
    const summary = JSON.parse(asked.stdout);
    assert.equal(summary.totals.batchSize, 8);
    assert.equal(summary.totals.macs, 8 * 3 * 4);
    assert.deepEqual(summary.warnings.map((w: { code: string }) => w.code), ['batch-size-fixed']);
    const text = await runCli([spec, '--batch-size', '2']);
    assert.match(text.stdout, /^ Total mult-adds \(batch size 8\): 96$/m);
    assert.match(text.stdout + text.stderr, /the model fixes its batch size at 8: the costs are at batch size 8, not the 2 of --batch-size/);
    const plain = JSON.parse((await runCli([spec, '--json'])).stdout);
    assert.equal(plain.totals.batchSize, 8);
    assert.deepEqual(plain.warnings, []);
  });

  it('--batch-size refuses what is not a positive whole number it can count exactly', async () => {
    for (const bad of ['0', '-1', '1.5', 'many', '9007199254740992']) {
      const result = await runCli([CONCAT, '--batch-size', bad]);
      assert.equal(result.status, 2, bad);
      assert.match(result.stderr, /--batch-size/, bad);
    }
    // A batch size is samples, not parameters: the message says so.
    assert.match((await runCli([CONCAT, '--batch-size', 'many'])).stderr, /--batch-size takes a number of samples such as 32, 1k or 1_000; not "many"/);
    // The largest exact batch passes the option, and the count past 2^53 − 1 is refused by name.
    const huge = await runCli([CONCAT, '--batch-size', '9007199254740991']);
    assert.equal(huge.status, 2);
    assert.match(huge.stderr, /the largest whole number counted exactly here/);
  });

  it('a sequence of unknown length: per step, never a guess', async () => {
    const spec = writeTemp('sequence.yaml', 'inputs:\n  - shape: [null, 8]\nlayers:\n  - {type: LSTM, units: 4, return_sequences: true}\n  - {type: Dense, units: 2}\n');
    const summary = analyzeFile(spec);
    // LSTM: (8 inputs + 4 units) × 4 gates × 4 units per step; the Dense 4 × 2 per step.
    assert.equal(layer(summary, 'lstm').macs, null);
    assert.equal(layer(summary, 'lstm').macsPerStep, (8 + 4) * 4 * 4);
    assert.equal(summary.totals.macs, null);
    assert.equal(summary.totals.macsPerStep, 192 + 8);
    assert.match(String(summary.totals.macsWhy), /unknown/);
    assert.equal(layer(summary, 'dense').activationBytesPerStep, 2 * 4);
    const { stdout } = await runCli([spec, '--columns', 'macs,activations', '--width', '160']);
    assert.match(stdout, /^ Total mult-adds: 200 per step \(/m);
    assert.match(stdout, /│ +192\/step │ +16\.00 B\/step │/);
    assert.match(stdout, /^ Peak activations \(inference\): unknown \(/m);
  });

  it('an unknown spatial size: unknown, with the shape that makes it so', async () => {
    const spec = writeTemp('open.yaml', 'inputs:\n  - shape: [null, null, 3]\nlayers:\n  - {type: Conv2D, filters: 4, kernel_size: 3}\n');
    const summary = analyzeFile(spec);
    assert.equal(summary.totals.macs, null);
    assert.equal(summary.totals.macsPerStep, undefined);
    assert.match(String(summary.totals.macsWhy), /conv2d \(Conv2D\): output shape \(None, None, None, 4\) has a dimension of unknown size/);
    assert.match((await runCli([spec])).stdout, /^ Total mult-adds: unknown \(conv2d \(Conv2D\): output shape/m);
  });

  it('a nested model runs inline: its row costs its calls, its inner tensors count toward the peak', () => {
    const summary = analyzeFile(NESTED);
    const outer = layer(summary, 'outer_block');
    const inner = outer.nested?.find((l) => l.name === 'inner');
    // inner_dense 8 × 4, deep 4 × 3 inside outer_block; head 3 × 2 outside it.
    assert.equal(inner?.macs, 8 * 4);
    assert.equal(outer.macs, 8 * 4 + 4 * 3);
    assert.equal(summary.totals.macs, 8 * 4 + 4 * 3 + 3 * 2);
    // The input (8 floats) and inner_dense's output (4 floats) are live together, the most at any call.
    assert.equal(summary.totals.peakActivationBytes, (8 + 4) * 4);
    assert.equal(summary.totals.peakActivationAt, 'outer_block/inner/inner_dense');
  });
});

describe('--columns', () => {
  it('adds Mult-Adds and Activations after Param #, the exact counts', async () => {
    const { stdout } = await runCli([CONCAT, '--columns', 'macs,activations', '--width', '200']);
    assert.match(stdout, /┃ Layer \(type\) +┃ Output Shape +┃ +Param # ┃ +Mult-Adds ┃ Activations ┃ Connected to/);
    assert.match(stdout, /│ conv2d_1 \(Conv2D\) +│ \(None, 32, 32, 64\) +│ 2,359,360 │ 2,415,919,104 │ +256\.00 KB │/);
    assert.match(stdout, /│ dense \(Dense\) +│ \(None, 24\) +│ 3,145,752 │ +3,145,728 │ +96\.00 B │/);
    const markdown = (await runCli([CONCAT, '--columns', 'mult_adds', '--format', 'markdown'])).stdout;
    assert.match(markdown, /\| Layer \(type\) \| Output Shape \| Param # \| Mult-Adds \| Connected to/);
  });

  it('default columns stay Keras\'s', async () => {
    const { stdout } = await runCli([CONCAT, '--width', '200']);
    const header = stdout.split('\n').find((line) => line.startsWith('┃ Layer (type)'));
    assert.match(String(header), /┃ Layer \(type\) +┃ Output Shape +┃ +Param # ┃ Connected to +┃ Merge +┃/);
  });

  it('would they cut a layer name, they are left out and the width that shows them is given', async () => {
    const narrow = await runCli([CONCAT, '--columns', 'macs,activations', '--width', '60', '--merges', 'none']);
    assert.doesNotMatch(narrow.stdout, /Mult-Adds ┃/);
    // The note is wrapped to the width: read it as one line.
    const width = Number(/\(Mult-Adds and Activations left out: beside the other columns they would cut layer names; --width (\d+) shows them\)/.exec(narrow.stdout.replace(/\n +/g, ' '))?.[1]);
    assert.ok(width > 60, narrow.stdout);
    const shown = (await runCli([CONCAT, '--columns', 'macs,activations', '--width', String(width), '--merges', 'none'])).stdout;
    assert.match(shown, /Mult-Adds/);
    assert.doesNotMatch(shown, /batch_normaliz…|input_layer_…/, 'no name is cut');
  });

  it('an unknown column name, or --columns with --json, is a usage error', async () => {
    const wrong = await runCli([CONCAT, '--columns', 'macz']);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /--columns: no column "macz"; did you mean "macs"/);
    assert.equal((await runCli([CONCAT, '--columns', 'macs', '--json'])).status, 2);
  });
});

describe('--json: costs per layer, in the totals, per alternative', () => {
  it('exact counts are numbers; per step and unknown are null with their parts and why', async () => {
    const doc = JSON.parse((await runCli([CONCAT, '--json'])).stdout);
    const dense = doc.layers.find((l: { name: string }) => l.name === 'dense');
    assert.equal(dense.macs, 131_072 * 24);
    assert.equal(dense.activationBytes, 24 * 4);
    assert.equal(doc.totals.macs, CONCAT_MACS);
    assert.equal(doc.merges[0].alternative.totalMacs, ADD_MACS);
    assert.equal(doc.merges[0].alternative.peakActivationBytes, 3 * MAP);
    assert.equal(doc.merges[0].affected[1].alternativeMacs, 65_536 * 24);
  });
});

describe('diff and check compare costs like parameters', () => {
  it('diff: the totals, and a Mult-Adds column where layers differ in them', async () => {
    const diff = JSON.parse((await runCli(['diff', ADD, CONCAT, '--json'])).stdout);
    assert.deepEqual(diff.totals.macs, { a: ADD_MACS, b: CONCAT_MACS, change: 1_572_864, percent: (1_572_864 / ADD_MACS) * 100 });
    assert.deepEqual(diff.totals.peakActivationBytes, { a: 3 * MAP, b: 4 * MAP, change: MAP, percent: (MAP / (3 * MAP)) * 100 });
    const dense = diff.layers.find((l: { a: { name: string } | null }) => l.a?.name === 'dense');
    assert.deepEqual(dense.differences, ['params', 'macs']);
    assert.deepEqual(dense.macs, { a: 65_536 * 24, b: 131_072 * 24, change: 1_572_864, percent: 100 });
    const flatten = diff.layers.find((l: { a: { name: string } | null }) => l.a?.name === 'flatten');
    assert.deepEqual(flatten.differences, ['outputShape', 'activationBytes']);
    const text = (await runCli(['diff', ADD, CONCAT, '--width', '200'])).stdout;
    assert.match(text, /│ ~ │ dense \(Dense\) +│ \(None, 24\) +│ 1,572,888 → 3,145,752 \(\+1,572,864, \+100%\) │ 1,572,864 → 3,145,728 \(\+1,572,864, \+100%\) │/);
    assert.match(text, /^ Total mult-adds: 5\.06 G → 5\.06 G \(\+1\.57 M, \+0\.03%\)$/m);
    assert.match(text, /^ Peak activations \(inference\): 768\.00 KB → 1\.00 MB \(\+256\.00 KB, \+33\.3%\)$/m);
  });

  it('a layer whose mult-adds change although its shape and parameters do not is a changed layer', async () => {
    // Average pooling with "same" padding keeps the shape; a 3×3 window adds more than a 2×2 one.
    const spec = (pool: number) => `inputs:\n  - shape: [8, 8, 2]\nlayers:\n  - {type: AveragePooling2D, pool_size: ${pool}, strides: 1, padding: same}\n`;
    const diff = JSON.parse((await runCli(['diff', writeTemp('pool2.yaml', spec(2)), writeTemp('pool3.yaml', spec(3)), '--json'])).stdout);
    const pool = diff.layers.find((l: { a: { name: string } | null }) => l.a?.name === 'average_pooling2d');
    assert.equal(pool.status, 'changed');
    assert.deepEqual(pool.differences, ['macs']);
    assert.deepEqual([pool.macs.a, pool.macs.b], [8 * 8 * 2 * 4, 8 * 8 * 2 * 9]);
    assert.equal(diff.identical, false);
  });

  it('--max-macs: exact at the limit, one over fails, the largest layers named', async () => {
    assert.equal((await runCli(['check', CONCAT, '--max-macs', String(CONCAT_MACS)])).status, 0);
    assert.equal((await runCli(['check', CONCAT, '--max-macs', '5,061,476,592'])).status, 0);
    const over = await runCli(['check', CONCAT, '--max-macs', String(CONCAT_MACS - 1)]);
    assert.equal(over.status, 1);
    assert.match(over.stdout, /✗ mult-adds 5\.06 G \(5,061,476,592\) exceed --max-macs 5\.06 G \(5,061,476,591\) \(over by 1, \+<0\.01%\)/);
    assert.match(over.stdout, /largest layers: conv2d_1 \(Conv2D\) 2,415,919,104; conv2d_3 \(Conv2D\) 2,415,919,104/);
    assert.equal((await runCli(['check', CONCAT, '--max-macs', '5G'])).status, 1);
    assert.equal((await runCli(['check', CONCAT, '--max-macs', '5.1G'])).status, 0);
    const bad = await runCli(['check', CONCAT, '--max-macs', '5 gigaflops']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--max-macs takes a number of mult-adds such as 5G/);
  });

  it('--max-activations: the peak at the batch size, exact at the limit', async () => {
    // The peak is 1 MB (1,048,576 bytes) at batch size 1 and 2 MB at batch size 2.
    assert.equal((await runCli(['check', CONCAT, '--max-activations', '1MB'])).status, 0);
    assert.equal((await runCli(['check', CONCAT, '--max-activations', '1048576'])).status, 0);
    const over = await runCli(['check', CONCAT, '--max-activations', '1048575']);
    assert.equal(over.status, 1);
    assert.match(over.stdout, /✗ peak activation memory 1\.00 MB \(1,048,576 bytes\), at concatenate exceeds --max-activations 1024\.00 KB \(1,048,575 bytes\)/);
    assert.equal((await runCli(['check', CONCAT, '--max-activations', '1MB', '--batch-size', '2'])).status, 1);
    assert.equal((await runCli(['check', CONCAT, '--max-activations', '2MB', '--batch-size', '2'])).status, 0);
  });

  it('a budget on a cost that is not one number is refused, not passed', async () => {
    const spec = writeTemp('steps.yaml', 'inputs:\n  - shape: [null, 8]\nlayers:\n  - {type: LSTM, units: 4}\n');
    const result = await runCli(['check', spec, '--max-macs', '1G', '--width', '400']);
    assert.equal(result.status, 2);
    assert.match(result.stdout, /^ERROR .*--max-macs cannot be checked: the model's mult-adds are not one exact number/m);
    // Against a baseline, such a cost is left out with a note (the parameters are still compared), not passed in silence.
    const baseline = writeTemp('steps-baseline.json', '');
    assert.equal((await runCli(['check', spec, '--write-baseline', '--baseline', baseline])).status, 0);
    const noted = await runCli(['check', spec, '--baseline', baseline, '--width', '400']);
    assert.equal(noted.status, 0);
    assert.match(noted.stdout, /note: mult-adds: not compared with the baseline, as the model's figure is not one exact number \(.*per step/);
  });

  it('baselines keep the costs; growth beyond the tolerance fails; an old baseline without them says so', async () => {
    const baseline = writeTemp('add-baseline.json', '');
    assert.equal((await runCli(['check', ADD, '--write-baseline', '--baseline', baseline])).status, 0);
    const written = JSON.parse(readFileSync(baseline, 'utf8'));
    assert.equal(written.totals.macs, ADD_MACS);
    assert.equal(written.totals.peakActivationBytes, 3 * MAP);
    // Concatenate has 24.1% more parameters: a 25% tolerance passes those; mult-adds grow 0.03%, but the peak 33.3%.
    const result = await runCli(['check', CONCAT, '--baseline', baseline, '--tolerance', '25%', '--json']);
    assert.equal(result.status, 1);
    const [breach] = JSON.parse(result.stdout).results[0].breaches;
    assert.deepEqual([breach.kind, breach.actual, breach.baseline, breach.at], ['baseline-activations', 4 * MAP, 3 * MAP, 'concatenate']);
    assert.equal((await runCli(['check', CONCAT, '--baseline', baseline, '--tolerance', '34%'])).status, 0);
    // Mult-adds: at exactly their growth the check passes; a hair below, the layer that grew is named.
    const macs = await runCli(['check', CONCAT, '--baseline', baseline, '--tolerance', '0.02%', '--width', '200']);
    assert.match(macs.stdout, /✗ mult-adds grew 5\.06 G \(5,059,903,728\) → 5\.06 G \(5,061,476,592\) \(\+0\.03%\)/);
    assert.match(macs.stdout, /grew most: dense \(Dense\) 1,572,864 → 3,145,728 \(\+1,572,864\)/);

    const old = { ...written, totals: { params: written.totals.params }, layers: written.layers.map((l: { name: string; params: number }) => ({ name: l.name, params: l.params })) };
    const oldBaseline = writeTemp('old-baseline.json', JSON.stringify(old));
    const notes = await runCli(['check', ADD, '--baseline', oldBaseline]);
    assert.equal(notes.status, 0, 'the parameters are still compared; nothing is over');
    assert.match(notes.stdout.replace(/\n +/g, ' '), /note: the baseline .*old-baseline\.json has no mult-adds \(written by a version that did not count them\), so they are not compared/);
    const report = JSON.parse((await runCli(['check', ADD, '--baseline', oldBaseline, '--json'])).stdout);
    assert.equal(report.results[0].notes.length, 2);
  });
});

describe('every layer class the tool knows has a mult-add rule', () => {
  it('tfjs\'s registered classes with merge-summary\'s, and every class of keras.layers', () => {
    const known = [...layerClasses().keys(), ...Object.keys(KERAS_SIGNATURES)];
    assert.ok(known.length > 150);
    assert.deepEqual(known.filter((name) => !isKnownLayerClass(name)), []);
  });
});
