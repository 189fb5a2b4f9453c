import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatBytes, formatPercentValue } from '../src/core/numbers.js';
import { ROOT, fixture, runCli, spawnCli } from './helpers.js';

const ANSI = /\u001b\[[0-9;]*m/g;
const golden = (name: string) => readFileSync(join(ROOT, 'test', 'golden', 'render', name), 'utf8');

describe('the summary table', () => {
  // Every case of cases.json (npm run goldens rewrites them): a changed golden is a changed rendering to review.
  const cases = JSON.parse(golden('cases.json')) as { golden: string; args: string[]; env?: Record<string, string> }[];
  for (const pinned of cases) {
    it(`matches the pinned rendering ${pinned.golden}`, async () => {
      const result = await runCli(pinned.args, { env: pinned.env });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, golden(pinned.golden));
    });
  }

  it('prints the footer as Keras 3 does, with sizes', async () => {
    const { stdout } = await runCli([fixture('seed-concat.yaml')]);
    assert.match(stdout, /^ Total params: 8,086,546 \(30\.85 MB\)$/m);
    assert.match(stdout, /^ Trainable params: 8,086,290 \(30\.85 MB\)$/m);
    assert.match(stdout, /^ Non-trainable params: 256 \(1\.00 KB\)$/m);
  });

  it('colours only when asked or on a terminal, and colour changes nothing else', async () => {
    const plain = (await runCli([fixture('seed-concat.yaml'), '--width', '100'])).stdout;
    assert.doesNotMatch(plain, ANSI, 'piped output has no colour');
    const forced = (await runCli([fixture('seed-concat.yaml'), '--width', '100'], { env: { FORCE_COLOR: '1' } })).stdout;
    assert.match(forced, ANSI);
    assert.equal(forced.replace(ANSI, ''), plain);
    const off = (await runCli([fixture('seed-concat.yaml'), '--width', '100', '--no-color'], { env: { FORCE_COLOR: '1' } })).stdout;
    assert.equal(off, plain);
    const noColorEnv = (await runCli([fixture('seed-concat.yaml'), '--width', '100'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout;
    assert.equal(noColorEnv, plain);
  });

  for (const width of [40, 60, 80, 100, 140]) {
    it(`fits ${width} columns with whole rows`, async () => {
      const { stdout, status } = await runCli([fixture('resnet50.yaml'), '--width', String(width)]);
      assert.equal(status, 0);
      const tableLines = stdout.split('\n').filter((line) => /^[┏┃┡│├└]/.test(line));
      const columns = tableLines[0].split('┳').length;
      for (const line of tableLines) {
        if (width >= 60) assert.ok([...line].length <= width, `${[...line].length} > ${width}: ${line}`);
        const borders = line.match(/[┏┳┓┃┡╇┩│├┼┤└┴┘]/g) ?? [];
        assert.equal(borders.length, columns + 1, `every line keeps its ${columns} columns: ${line}`);
      }
      if (width >= 80) {
        for (const name of ['conv5_block3_out', 'conv4_block6_2_relu', 'predictions']) {
          assert.match(stdout, new RegExp(`│ ${name}\\b`), `${name} is shown whole at width ${width}`);
        }
      }
    });
  }

  it('sequential models leave out "Connected to", as Keras does', async () => {
    const { stdout } = await runCli([fixture('vgg16.yaml')]);
    assert.doesNotMatch(stdout, /Connected to/);
    assert.match((await runCli([fixture('seed-add.yaml')])).stdout, /Connected to/);
  });
});

describe('numbers as Keras prints them', () => {
  it('memory sizes in powers of 1024 with two decimals, ties to even as Python does', async () => {
    assert.equal(formatBytes(32_346_184), '30.85 MB');
    assert.equal(formatBytes(1024), '1.00 KB');
    assert.equal(formatBytes(0), '0.00 B');
    assert.equal(formatBytes(1152), '1.12 KB'); // 1.125 exactly: Python's "{:.2f}" gives 1.12
    assert.equal(formatBytes(138_357_544 * 4), '527.79 MB');
  });
  it('percentages with one decimal', async () => {
    assert.equal(formatPercentValue((-1_572_864 / 8_086_546) * 100), '−19.5%');
    assert.equal(formatPercentValue(100), '+100%');
    assert.equal(formatPercentValue(0.04), '0%');
  });
});

describe('--json', () => {
  it('prints the merge-summary/1 document with exact numbers', async () => {
    const result = await runCli([fixture('seed-concat.yaml'), '--json']);
    assert.equal(result.status, 0);
    const doc = JSON.parse(result.stdout);
    assert.equal(doc.schema, 'merge-summary/1');
    assert.equal(doc.name, 'seed-concat');
    assert.equal(doc.source, fixture('seed-concat.yaml'));
    assert.deepEqual(doc.totals, {
      params: 8_086_546,
      trainable: 8_086_290,
      nonTrainable: 256,
      bytes: 8_086_546 * 4,
      trainableBytes: 8_086_290 * 4,
      nonTrainableBytes: 256 * 4,
      // Costs at batch size 1, by hand (docs/costs.md's convention): each branch's 24×24 convolutions make
      // 32×32 positions × 64 filters × (24×24×3) = 113,246,208 and × (24×24×64) = 2,415,919,104 mult-adds;
      // the Dense 131,072 × 24 = 3,145,728 and the last 24 × 10 = 240.
      batchSize: 1,
      macs: 2 * (113_246_208 + 2_415_919_104) + 3_145_728 + 240,
      // The two (32, 32, 3) float32 inputs.
      inputBytes: 2 * 32 * 32 * 3 * 4,
      // torchinfo's: twice the outputs of the layers with parameters: 4 convolutions and 2 batch
      // normalizations of (32, 32, 64), and the Dense layers' 24 and 10 values.
      forwardBackwardBytes: 2 * (6 * 32 * 32 * 64 * 4 + (24 + 10) * 4),
      estimatedTotalBytes: 2 * 32 * 32 * 3 * 4 + 2 * (6 * 32 * 32 * 64 * 4 + (24 + 10) * 4) + 8_086_546 * 4,
      // The Concatenate holds its two (32, 32, 64) inputs and its (32, 32, 128) output at once.
      peakActivationBytes: (2 * 32 * 32 * 64 + 32 * 32 * 128) * 4,
      peakActivationAt: 'concatenate',
    });
    const merge = doc.layers.find((l: { name: string }) => l.name === 'concatenate');
    assert.deepEqual(
      { name: merge.name, type: merge.type, inputs: merge.inputs, inputShapes: merge.inputShapes, outputShape: merge.outputShape, params: merge.params },
      { name: 'concatenate', type: 'Concatenate', inputs: ['conv2d_1', 'conv2d_3'], inputShapes: [[null, 32, 32, 64], [null, 32, 32, 64]], outputShape: [null, 32, 32, 128], params: 0 },
    );
    const input = doc.layers[0];
    assert.deepEqual(input.inputs, []);
    assert.equal(doc.layers.length, 15);
  });

  it('the source of standard input is "-"', async () => {
    const result = spawnCli(['-', '--json'], { input: readFileSync(fixture('seed-add.yaml'), 'utf8') });
    const doc = JSON.parse(result.stdout);
    assert.equal(doc.source, '-');
    assert.equal(doc.totals.params, 6_513_682);
  });
});
