import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeModel } from '../src/pipeline.js';
import { buildModel } from '../src/model/build-spec.js';
import { SHAPE_ONLY_BACKEND } from '../src/model/shape-only-backend.js';
import { tfc } from '../src/model/tfjs.js';
import { parseModelText } from '../src/readers/read.js';

const summaryOf = (yaml: string) => analyzeModel(buildModel(parseModelText(yaml, 'test.yaml')));

describe('the storage-less build', () => {
  it('summarises ten billion parameters without allocating them', () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const built = buildModel(
      parseModelText(
        'inputs: [{shape: [1000]}]\nlayers:\n  - {type: Dense, units: 100000}\n  - {type: Dense, units: 100000}\n  - {type: Dense, units: 1000}\n',
        'huge.yaml',
      ),
    );
    const summary = analyzeModel(built);
    // (1000+1)*100000 + (100000+1)*100000 + (100000+1)*1000
    assert.equal(summary.totals.params, 100_100_000 + 10_000_100_000 + 100_001_000);
    assert.equal(summary.totals.bytes, summary.totals.params * 4);
    assert.equal(tfc.getBackend(), SHAPE_ONLY_BACKEND);
    // The weights exist with their shapes, but there is nothing to read.
    const kernel = built.model.getLayer('dense_1').getWeights()[0];
    assert.deepEqual(kernel.shape, [100_000, 100_000]);
    assert.throws(() => kernel.dataSync(), /holds no tensor values/);
    // 40 GB of float32 would not fit; a few MB of bookkeeping is all that is used.
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 2 ** 20);
  });

  it('runs no kernel: an attempt to compute fails instead of allocating', () => {
    buildModel(parseModelText('inputs: [{shape: [4]}]\nlayers: [{type: Dense, units: 2}]\n', 't.yaml'));
    assert.throws(() => tfc.add(tfc.scalar(1), tfc.scalar(2)).dataSync());
  });
});

describe('shapes and counts follow the arithmetic of each layer', () => {
  it('a Dense chain has sum((in + 1) * out) parameters', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 2, maxLength: 6 }), (widths) => {
        const [input, ...units] = widths;
        const layers = units.map((u) => `  - {type: Dense, units: ${u}}`).join('\n');
        const summary = summaryOf(`inputs: [{shape: [${input}]}]\nlayers:\n${layers}\n`);
        let expected = 0;
        widths.slice(1).forEach((out, i) => (expected += (widths[i] + 1) * out));
        assert.equal(summary.totals.params, expected);
      }),
      { numRuns: 40 },
    );
  });

  it('Concatenate sums channels, Add keeps them, and the Dense after a Flatten grows with the width', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 96 }),
        fc.integer({ min: 1, max: 32 }),
        (side, channels, units) => {
          const spec = (merge: string) =>
            `inputs:\n  - {name: a, shape: [${side}, ${side}, ${channels}]}\n  - {name: b, shape: [${side}, ${side}, ${channels}]}\n` +
            `layers:\n  - {type: ${merge}, name: m, from: [a, b]}\n  - {type: Flatten}\n  - {type: Dense, name: d, units: ${units}}\n`;
          const concat = summaryOf(spec('Concatenate'));
          const add = summaryOf(spec('Add'));
          const get = (s: typeof concat, name: string) => s.layers.find((l) => l.name === name)!;
          assert.deepEqual(get(concat, 'm').outputShape, [null, side, side, 2 * channels]);
          assert.deepEqual(get(add, 'm').outputShape, [null, side, side, channels]);
          assert.equal(get(concat, 'd').params, (side * side * 2 * channels + 1) * units);
          assert.equal(get(add, 'd').params, (side * side * channels + 1) * units);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('Conv2D has (kh * kw * in + 1) * filters parameters, BatchNormalization 4 per channel (2 non-trainable)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 64 }), (k, input, filters) => {
        const summary = summaryOf(
          `inputs: [{shape: [16, 16, ${input}]}]\nlayers:\n  - {type: Conv2D, filters: ${filters}, kernel_size: ${k}, padding: same}\n  - {type: BatchNormalization}\n`,
        );
        assert.equal(summary.layers[1].params, (k * k * input + 1) * filters);
        assert.equal(summary.layers[2].trainable, 2 * filters);
        assert.equal(summary.layers[2].nonTrainable, 2 * filters);
      }),
      { numRuns: 30 },
    );
  });

  it('trainable: false makes every weight of a layer non-trainable, as in Keras', () => {
    const summary = summaryOf('inputs: [{shape: [10]}]\nlayers:\n  - {type: Dense, units: 5, trainable: false}\n  - {type: Dense, units: 2}\n');
    assert.deepEqual([summary.totals.trainable, summary.totals.nonTrainable], [12, 55]);
  });

  it("Flatten follows Keras: (None, 10) stays, (None,) becomes (None, 1), an unknown dimension gives None", () => {
    const shapes = (shape: string) =>
      summaryOf(`inputs: [{shape: ${shape}}]\nlayers: [{type: Flatten}]\n`).layers[1].outputShape;
    assert.deepEqual(shapes('[10]'), [null, 10]);
    assert.deepEqual(shapes('[4, 5, 6]'), [null, 120]);
    assert.deepEqual(shapes('[null, 5]'), [null, null]);
  });

  it('Subtract is a merge with the elementwise shape rules, broadcasting included', () => {
    const summary = summaryOf('inputs:\n  - {name: a, shape: [8, 3]}\n  - {name: b, shape: [1, 3]}\nlayers:\n  - {type: Subtract, from: [a, b]}\n');
    assert.deepEqual(summary.layers[2].outputShape, [null, 8, 3]);
    assert.equal(summary.layers[2].name, 'subtract');
  });

  it('multi-output layers are picked by index: lstm[1] is the hidden state', () => {
    const summary = summaryOf(
      'inputs: [{shape: [7, 3]}]\nlayers:\n  - {type: LSTM, units: 5, return_sequences: true, return_state: true}\n  - {type: Dense, from: "lstm[1]", units: 2}\noutputs: [lstm, dense]\n',
    );
    assert.deepEqual(summary.layers[1].outputShape, [[null, 7, 5], [null, 5], [null, 5]]);
    assert.deepEqual(summary.layers[2].inputShapes, [[null, 5]]);
    // 4 gates x (3 inputs + 5 recurrent + 1 bias) x 5 units
    assert.equal(summary.layers[1].params, 4 * (3 + 5 + 1) * 5);
  });

  it('MultiHeadAttention(num_heads=2, key_dim=2) on (None, 8, 16) and (None, 4, 16): 284 params, as Keras documents', () => {
    const summary = summaryOf(
      'inputs:\n  - {name: q, shape: [8, 16]}\n  - {name: v, shape: [4, 16]}\nlayers:\n  - {type: MultiHeadAttention, from: [q, v], num_heads: 2, key_dim: 2}\n',
    );
    const mha = summary.layers[2];
    assert.equal(mha.name, 'multi_head_attention');
    assert.deepEqual(mha.outputShape, [null, 8, 16]);
    // query, key and value projections: 16 x 2 x 2 + 2 x 2 = 68 each; output: 2 x 2 x 16 + 16 = 80
    assert.equal(mha.params, 3 * 68 + 80);
  });

  it('Keras 3 activations tfjs lacks (silu, leaky_relu, hard_silu, ...) do not stop a summary', () => {
    const summary = summaryOf(
      'inputs: [{shape: [8]}]\nlayers:\n  - {type: Dense, units: 4, activation: silu}\n  - {type: Dense, units: 3, activation: leaky_relu}\n  - {type: Activation, activation: hard_silu}\n  - {type: Activation, activation: exponential}\n',
    );
    assert.equal(summary.totals.params, (8 + 1) * 4 + (4 + 1) * 3);
  });
});
