import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import type { ImpossibleAlternative, MergeSummary, ModelSummary, PossibleAlternative } from '../src/analysis/types.js';
import { analyzeFile } from '../src/pipeline.js';
import { ROOT, fixture, runCli } from './helpers.js';

const mergeOf = (summary: ModelSummary, name: string) => {
  const merge = summary.merges.find((m) => m.name === name);
  assert.ok(merge, `no merge ${name}`);
  return merge;
};
const possible = (merge: MergeSummary): PossibleAlternative => {
  assert.ok(merge.alternative.possible, `${merge.name} can be swapped`);
  return merge.alternative;
};
const impossible = (merge: MergeSummary): ImpossibleAlternative => {
  assert.ok(!merge.alternative.possible, `${merge.name} cannot be swapped`);
  return merge.alternative;
};
const keras = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test', 'golden', 'keras', `${name}.json`), 'utf8'));

describe('merge impact: the same model with one merge swapped', () => {
  it('seed Concatenate -> Add: the numbers of the question', async () => {
    const merge = mergeOf(analyzeFile(fixture('seed-concat.yaml')), 'concatenate');
    assert.deepEqual(merge.outputShape, [null, 32, 32, 128]);
    assert.deepEqual(merge.concatenation, { axis: -1, inputSizes: [64, 64], outputSize: 128 });
    assert.equal(merge.alternative.type, 'Add');
    assert.deepEqual(merge.alternative.outputShape, [null, 32, 32, 64]);
    // Keras itself counts the Add version at 6,513,682 (test/golden/keras/seed-add.json).
    assert.equal(possible(merge).totalParams, keras('seed-add').totals.params);
    assert.equal(possible(merge).totalParamsChange, -1_572_864);
    assert.equal(possible(merge).totalParamsPercent!.toFixed(1), '-19.5');
    assert.deepEqual(
      merge.affected.map((a) => [a.name, a.outputShape, a.alternativeOutputShape, a.params, a.alternativeParams]),
      [
        ['flatten', [null, 131072], [null, 65536], 0, 0],
        ['dense', [null, 24], [null, 24], 3_145_752, 1_572_888],
      ],
    );
    assert.deepEqual(merge.stopsAt, ['dense']);
    assert.deepEqual(merge.reachesOutputs, []);
  });

  it('seed Add -> Concatenate gives Keras\'s count of the Concatenate model', async () => {
    const merge = mergeOf(analyzeFile(fixture('seed-add.yaml')), 'add');
    assert.equal(possible(merge).totalParams, keras('seed-concat').totals.params);
    assert.equal(possible(merge).trainableParams, keras('seed-concat').totals.trainable);
  });

  it('a residual Add: the swap changes only the next ReLU\'s shape and the 1x1 conv\'s parameters', async () => {
    const summary = analyzeFile(fixture('residual-block.yaml'));
    const merge = mergeOf(summary, 'residual');
    assert.deepEqual(
      merge.affected.map((a) => [a.name, a.alternativeOutputShape, a.params, a.alternativeParams]),
      [
        ['re_lu_1', [null, 32, 32, 128], 0, 0],
        // (64 + 1) * 128 -> (128 + 1) * 128
        ['project', [null, 32, 32, 128], 65 * 128, 129 * 128],
      ],
    );
    assert.deepEqual(merge.stopsAt, ['project']);
    assert.equal(possible(merge).totalParamsChange, 64 * 128);
    const marked = summary.layers.filter((l) => l.dependsOnMerges.includes('residual')).map((l) => l.name);
    assert.deepEqual(marked, ['re_lu_1', 'project']);
  });

  it('a broadcasting Multiply (squeeze-and-excitation) says so, and cannot become a Concatenate', async () => {
    const summary = analyzeFile(fixture('squeeze-excite.yaml'));
    const merge = mergeOf(summary, 'excite');
    assert.equal(merge.broadcasts, true);
    assert.deepEqual(merge.inputShapes, [[null, 32, 32, 64], [null, 1, 1, 64]]);
    assert.equal(merge.alternative.possible, false);
    assert.match(impossible(merge).reason, /inputs have shapes \(None, 32, 32, 64\) and \(None, 1, 1, 64\); Concatenate needs/);
    // Its width still decides what follows.
    assert.deepEqual(summary.layers.filter((l) => l.dependsOnMerges.includes('excite')).map((l) => l.name), ['pool', 'logits']);
  });

  it('an impossible swap says why, with every shape: Concatenate of 64, 128, 32 and 32 channels', async () => {
    const merge = mergeOf(analyzeFile(fixture('inception-block.yaml')), 'mixed');
    assert.deepEqual(merge.concatenation, { axis: -1, inputSizes: [64, 128, 32, 32], outputSize: 256 });
    assert.equal(merge.alternative.possible, false);
    assert.equal(
      impossible(merge).reason,
      'inputs have shapes (None, 28, 28, 64), (None, 28, 28, 128), (None, 28, 28, 32) and (None, 28, 28, 32); Add needs equal shapes (or shapes that broadcast)',
    );
    assert.equal(merge.impact, -1);
  });

  it('ResNet50: a mid-stage Add breaks the next residual Add; a stage\'s last Add can be swapped', async () => {
    const summary = analyzeFile(fixture('resnet50.yaml'));
    assert.equal(summary.merges.length, 16);
    const blocked = mergeOf(summary, 'conv2_block1_add');
    assert.equal(impossible(blocked).blockedBy, 'conv2_block2_add');
    assert.match(impossible(blocked).reason, /\(None, 56, 56, 512\) and \(None, 56, 56, 256\)/);
    const last = mergeOf(summary, 'conv2_block3_add');
    // 256 more input channels into conv3_block1_0_conv (512 filters) and conv3_block1_1_conv (128 filters)
    assert.equal(possible(last).totalParamsChange, 256 * 512 + 256 * 128);
    assert.deepEqual(last.stopsAt, ['conv3_block1_0_conv', 'conv3_block1_1_conv']);
  });

  it('DenseNet121: 58 Concatenates, none of which could be an Add', async () => {
    const summary = analyzeFile(fixture('densenet121.yaml'));
    assert.equal(summary.merges.length, 58);
    assert.ok(summary.merges.every((m) => m.type === 'Concatenate' && !m.alternative.possible));
    assert.deepEqual(mergeOf(summary, 'conv2_block1_concat').concatenation!.inputSizes, [64, 32]);
  });
});

describe('merges in the output', () => {
  it('--json fills "merges" as ../shared/summary-json.md describes', async () => {
    const doc = JSON.parse((await runCli([fixture('seed-concat.yaml'), '--json'])).stdout);
    assert.equal(doc.merges.length, 1);
    const [merge] = doc.merges;
    assert.equal(merge.name, 'concatenate');
    assert.equal(merge.type, 'Concatenate');
    assert.deepEqual(merge.inputShapes, [[null, 32, 32, 64], [null, 32, 32, 64]]);
    assert.deepEqual(merge.outputShape, [null, 32, 32, 128]);
    assert.deepEqual(
      { type: merge.alternative.type, possible: merge.alternative.possible, outputShape: merge.alternative.outputShape, totalParams: possible(merge).totalParams },
      { type: 'Add', possible: true, outputShape: [null, 32, 32, 64], totalParams: 6_513_682 },
    );
    assert.deepEqual(merge.affected[0], {
      name: 'flatten', type: 'Flatten', outputShape: [null, 131072], alternativeOutputShape: [null, 65536], params: 0, alternativeParams: 0, paramsChange: 0,
      // Costs at batch size 1: a Flatten multiplies nothing; its output is 131,072 or 65,536 float32s.
      macs: 0, alternativeMacs: 0, macsChange: 0, activationBytes: 131_072 * 4, alternativeActivationBytes: 65_536 * 4,
    });
    assert.equal(merge.affected[1].alternativeParams, 1_572_888);
    assert.deepEqual(doc.layers.find((l: { name: string }) => l.name === 'dense').dependsOnMerges, ['concatenate']);
  });

  it('the table marks merges and the layers that depend on them; the impact section follows', async () => {
    const { stdout } = await runCli([fixture('seed-concat.yaml'), '--width', '140']);
    assert.match(stdout, /│ concatenate \(Concatenate\) .*◆ 64 ⧺ 64 → 128 on axis -1/);
    assert.match(stdout, /│ dense \(Dense\) .*↳ concatenate/);
    assert.doesNotMatch(stdout, /│ dense_1 \(Dense\) .*↳/);
    // The prose wraps; read it as one line.
    assert.match(stdout.replace(/\n +/g, ' '), /As Add: output \(None, 32, 32, 64\) instead of \(None, 32, 32, 128\); total params 8,086,546 → 6,513,682 \(−1,572,864, −19\.5%\)/);
    assert.match(stdout, /flatten \(Flatten\) +│ \(None, 131072\) → \(None, 65536\)/);
    // The affected table, wide enough for every cell on one line: parameters and mult-adds both ways.
    const wide = (await runCli([fixture('seed-concat.yaml'), '--width', '240'])).stdout;
    assert.match(wide, /│ dense \(Dense\) +│ \(None, 24\) \(same\) +│ 3,145,752 → 1,572,888 \(−1,572,864\) │ 3,145,728 → 1,572,864 \(−1,572,864\) │ +96\.00 B │/);
    assert.match(stdout, /The footprint stops at dense \(Dense\)/);
    // An Add of equal shapes is as compact as a Concatenate: the sizes of the last axis.
    assert.match((await runCli([fixture('seed-add.yaml'), '--width', '160'])).stdout, /│ add \(Add\) .*│ ◆ 64 \+ 64 → 64 +│/);
    assert.match((await runCli([fixture('squeeze-excite.yaml'), '--width', '160'])).stdout, /\(None, 32, 32, 64\) × \(None, 1, 1, 64\) → \(None, 32, 32, 64\), broadcasting/);
  });

  it('large models show the largest impacts in full and list the rest; --merges picks', async () => {
    const { stdout } = await runCli([fixture('resnet50.yaml'), '--width', '160']);
    assert.match(stdout, /13 more merges, largest impact first:/);
    assert.match(stdout, /12 cannot be swapped: as Concatenate each would break the layer after it \(conv2_block1_add, conv2_block2_add,/);
    // ResNet50's 4 Adds that can be swapped are the ones in full; DenseNet121's 58 Concatenates, none of which can be, are one line.
    assert.equal(stdout.match(/^◆ /gm)?.length, 3);
    assert.doesNotMatch(stdout, /^◆ conv2_block1_add /m);
    const densenet = (await runCli([fixture('densenet121.yaml'), '--width', '160'])).stdout;
    assert.equal(densenet.match(/^◆ /gm), null);
    assert.match(densenet, /^58 merges:\n  58 cannot be swapped: as Add each cannot take its inputs \(conv2_block1_concat, conv2_block2_concat, conv2_block3_concat, …\)$/m);
    const one = (await runCli([fixture('resnet50.yaml'), '--merges', 'conv2_block1_add', '--width', '160'])).stdout;
    assert.match(one, /◆ conv2_block1_add \(Add\): .*\n  As Concatenate: not possible: it would give \(None, 56, 56, 512\), which layer "conv2_block2_add"/);
    const all = (await runCli([fixture('resnet50.yaml'), '--merges', 'all', '--width', '160'])).stdout;
    assert.equal(all.match(/^◆ /gm)?.length, 16);
    const bad = await runCli([fixture('resnet50.yaml'), '--merges', 'conv2_block1_ad']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--merges: no merge layer "conv2_block1_ad"; did you mean "conv2_block1_add"/);
  });
});

describe('--explain computes each merge type present with real tfjs kernels', () => {
  const spec = join(ROOT, 'test', 'golden', 'all-merges.yaml');
  const expected: Record<string, { output: number[][]; shape: number[] }> = {
    Add: { output: [[3, 5, 7]], shape: [1, 3] },
    Subtract: { output: [[-3, -3, -3]], shape: [1, 3] },
    Multiply: { output: [[0, 4, 10]], shape: [1, 3] },
    Average: { output: [[1.5, 2.5, 3.5]], shape: [1, 3] },
    Maximum: { output: [[3, 4, 5]], shape: [1, 3] },
    Minimum: { output: [[0, 1, 2]], shape: [1, 3] },
    Concatenate: { output: [[0, 1, 2, 3, 4, 5]], shape: [1, 6] },
    Dot: { output: [[0 * 3 + 1 * 4 + 2 * 5]], shape: [1, 1] },
  };
  for (const backend of ['wasm', 'cpu']) {
    it(`on the ${backend} backend`, async () => {
      const result = await runCli([spec, '--json', '--explain'], { env: { MERGE_SUMMARY_BACKEND: backend } });
      assert.equal(result.status, 0, result.stderr);
      const { explanation } = JSON.parse(result.stdout);
      assert.match(explanation.backend, backend === 'wasm' ? /WASM/ : /CPU/);
      const got = Object.fromEntries(explanation.examples.map((e: { type: string; output: number[][]; outputShape: number[] }) => [e.type, { output: e.output, shape: e.outputShape }]));
      assert.deepEqual(got, expected);
    });
  }
  it('prints the examples after the summary', async () => {
    const { stdout } = await runCli([fixture('seed-concat.yaml'), '--explain', '--width', '160']);
    assert.match(stdout, /Concatenate │ \[\[0, 1, 2\]\] ⧺ \[\[3, 4, 5\]\] = \[\[0, 1, 2, 3, 4, 5\]\] │ \(1, 6\)/);
    assert.doesNotMatch(stdout, /│ Add /, 'only the merge types present');
  });
});
