import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LayerSummary, ModelSummary } from '../src/analysis/types.js';
import { useKernelBackend } from '../src/model/kernels.js';
import { GRUCell } from '../src/model/layers/recurrent.js';
import { loadModel } from '../src/pipeline.js';
import { useShapeOnlyBackend } from '../src/model/shape-only-backend.js';
import { tfc, type Tensor } from '../src/model/tfjs.js';
import { runCli, writeTemp } from './helpers.js';

/*
 * Recurrent layers and their wrappers in specs, as a user writes them: every
 * number below is worked out by hand from Keras's weights (the conformance
 * suite, test/conformance/, holds Keras's own answers for the same classes).
 *   SimpleRNN: inputs × units + units × units + units
 *   LSTM:      4 × (inputs × units + units × units + units)
 *   GRU:       3 × (inputs × units + units × units + units), or + 2 × units with reset_after (Keras's default)
 * and per time step and sample, the gate products: the kernel's and the recurrent kernel's sizes.
 */

async function summarize(name: string, spec: string): Promise<ModelSummary> {
  const result = await runCli([writeTemp(name, spec), '--json']);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as ModelSummary;
}

async function refusal(name: string, spec: string): Promise<string> {
  const path = writeTemp(name, spec);
  const result = await runCli([path]);
  assert.equal(result.status, 2, result.stdout);
  assert.equal(result.stdout, '');
  return result.stderr.trim().replace(path, name);
}

function row(summary: ModelSummary, name: string): LayerSummary {
  const found = summary.layers.find((layer) => layer.name === name);
  assert.ok(found, `no row ${name} in ${summary.layers.map((layer) => layer.name).join(', ')}`);
  return found;
}

const sequence = (shape: string, layers: string, extra = '') => `inputs:\n  - {shape: ${shape}${extra}}\nlayers:\n${layers}`;

describe('GRU with reset_after, Keras\'s default', () => {
  it('counts a second bias row: 3 × (4 × 8 + 8 × 8 + 2 × 8) = 336, against 312 with reset_after: false', async () => {
    const summary = await summarize('gru.yaml', sequence('[10, 4]', '  - {type: GRU, name: after, units: 8, return_sequences: true}\n  - {type: GRU, name: before, from: input_layer, units: 8, reset_after: false}\noutputs: [after, before]\n'));
    assert.equal(row(summary, 'after').params, 3 * (4 * 8 + 8 * 8 + 2 * 8));
    assert.equal(row(summary, 'before').params, 3 * (4 * 8 + 8 * 8 + 8));
    assert.deepEqual(row(summary, 'after').outputShape, [null, 10, 8]);
    // The same products either way: 10 steps × (4 × 24 + 8 × 24).
    assert.equal(row(summary, 'after').macs, 10 * (4 * 24 + 8 * 24));
    assert.equal(row(summary, 'before').macs, 10 * (4 * 24 + 8 * 24));
  });

  it('in an RNN, as GRUCell: 3 × (4 × 8 + 8 × 8 + 2 × 8) = 336', async () => {
    const summary = await summarize('gru-cell.yaml', sequence('[10, 4]', '  - {type: RNN, cell: {type: GRUCell, units: 8}}\n'));
    assert.equal(row(summary, 'rnn').params, 336);
  });
});

describe('GRU with reset_after computes Keras\'s step, for profile', () => {
  it('one unit: z and r from input and state, each with its own bias row; the candidate resets the recurrent product', async () => {
    await useKernelBackend({ MERGE_SUMMARY_BACKEND: 'cpu' });
    try {
      const cell = new GRUCell({ units: 1, recurrentActivation: 'sigmoid', activation: 'tanh', kernelInitializer: 'zeros', recurrentInitializer: 'zeros' });
      cell.build([null, 1]);
      // Kernel (z, r, h), recurrent kernel, and the bias rows: input, then recurrent.
      const [kz, kr, kh, uz, ur, uh, bz, br, bh, cz, cr, ch] = [0.5, -0.25, 1, 0.75, 0.5, -1, 0.1, 0.2, -0.3, -0.1, 0.05, 0.4];
      cell.setWeights([tfc.tensor2d([[kz, kr, kh]]), tfc.tensor2d([[uz, ur, uh]]), tfc.tensor2d([[bz, br, bh], [cz, cr, ch]])]);
      const [x, h] = [2, -0.5];
      const [next] = cell.call([tfc.tensor2d([[x]]), tfc.tensor2d([[h]])], {}) as Tensor[];
      const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
      const z = sigmoid(kz * x + bz + uz * h + cz);
      const r = sigmoid(kr * x + br + ur * h + cr);
      const candidate = Math.tanh(kh * x + bh + r * (uh * h + ch));
      const expected = z * h + (1 - z) * candidate;
      assert.ok(Math.abs((next.dataSync()[0] as number) - expected) < 1e-6, `${next.dataSync()[0]} vs ${expected}`);
    } finally {
      useShapeOnlyBackend();
    }
  });
});

describe('wrappers in a spec: the inner layer as a nested layer', () => {
  it('Bidirectional(LSTM(8)) as {type: ...} or as Keras\'s {class_name, config}: 2 × 4 × (4 × 8 + 8 × 8 + 8) = 832, (None, 16)', async () => {
    for (const layer of ['{type: LSTM, units: 8}', '{class_name: LSTM, config: {units: 8}}']) {
      const summary = await summarize('bidirectional.yaml', sequence('[10, 4]', `  - {type: Bidirectional, layer: ${layer}}\n`));
      assert.equal(row(summary, 'bidirectional').params, 2 * 4 * (4 * 8 + 8 * 8 + 8));
      assert.deepEqual(row(summary, 'bidirectional').outputShape, [null, 16]);
      // Both directions, 10 steps each: 2 × 10 × (4 × 32 + 8 × 32) = 7,680.
      assert.equal(row(summary, 'bidirectional').macs, 7_680);
    }
  });

  it('a backward layer of its own, smaller: both counted, 4 × (4 × 8 + 8 × 8 + 8) + 4 × (4 × 4 + 4 × 4 + 4) = 560; Keras reports twice the forward width', async () => {
    const summary = await summarize('backward.yaml', sequence('[10, 4]', '  - {type: Bidirectional, layer: {type: LSTM, units: 8}, backward_layer: {type: LSTM, units: 4, go_backwards: true}}\n'));
    const bidirectional = row(summary, 'bidirectional');
    assert.equal(bidirectional.params, 416 + 144);
    assert.deepEqual(bidirectional.outputShape, [null, 16]);
    // Forward 4 × 32 + 8 × 32 = 384, backward 4 × 16 + 4 × 16 = 128, per step: 10 × 512.
    assert.equal(bidirectional.macs, 10 * (384 + 128));
  });

  it('a backward GRU behind a forward LSTM: 416 + 336 = 752, each rule its own', async () => {
    const summary = await summarize('backward-gru.yaml', sequence('[10, 4]', '  - {type: Bidirectional, layer: {type: LSTM, units: 8}, backward_layer: {type: GRU, units: 8, go_backwards: true}}\n'));
    assert.equal(row(summary, 'bidirectional').params, 752);
    assert.equal(row(summary, 'bidirectional').macs, 10 * (4 * 32 + 8 * 32 + 4 * 24 + 8 * 24));
  });

  it('merge_mode null gives both directions\' outputs; return_state adds each direction\'s states, picked by index', async () => {
    const summary = await summarize(
      'states.yaml',
      sequence('[10, 4]', '  - {type: Bidirectional, layer: {type: LSTM, units: 8, return_state: true}, merge_mode: null}\n  - {type: Dense, units: 2, from: "bidirectional[4]"}\noutputs: [dense, "bidirectional[0]"]\n'),
    );
    // Outputs forward and backward, then h and c forward, h and c backward.
    assert.deepEqual(row(summary, 'bidirectional').outputShape, Array(6).fill([null, 8]));
    assert.equal(row(summary, 'dense').params, 8 * 2 + 2);
  });

  it('the layers a Bidirectional runs have Keras\'s names: forward_lstm and backward_lstm, or the backward layer\'s own', () => {
    const inner = (spec: string) => {
      const built = loadModel(writeTemp('names.yaml', sequence('[10, 4]', spec)));
      const bidirectional = built.layers.get('bidirectional') as unknown as { forwardLayer: { name: string }; backwardLayer: { name: string } };
      return [bidirectional.forwardLayer.name, bidirectional.backwardLayer.name];
    };
    assert.deepEqual(inner('  - {type: Bidirectional, layer: {type: LSTM, units: 8}}\n'), ['forward_lstm', 'backward_lstm']);
    assert.deepEqual(inner('  - {type: Bidirectional, layer: {class_name: GRU, config: {name: encoder, units: 8}}}\n'), ['forward_encoder', 'backward_encoder']);
    // Keras names a backward layer given to it as it was made: after the forward layer's lstm, lstm_1.
    assert.deepEqual(inner('  - {type: Bidirectional, layer: {type: LSTM, units: 8}, backward_layer: {type: LSTM, units: 4, go_backwards: true}}\n'), ['forward_lstm', 'lstm_1']);
  });

  it('TimeDistributed(Dense(3)) on (5, 8): 8 × 3 + 3 = 27 at each of 5 steps; the inner Dense takes the name dense', async () => {
    const summary = await summarize('td.yaml', sequence('[5, 8]', '  - {type: TimeDistributed, layer: {type: Dense, units: 3}}\n  - {type: Dense, units: 2}\n'));
    assert.deepEqual(row(summary, 'time_distributed').outputShape, [null, 5, 3]);
    assert.equal(row(summary, 'time_distributed').params, 27);
    assert.equal(row(summary, 'time_distributed').macs, 5 * 8 * 3);
    // As in Keras: TimeDistributed(Dense(3)) made "dense" first, so the model's own Dense is dense_1.
    assert.deepEqual(summary.layers.map((layer) => layer.name), ['input_layer', 'time_distributed', 'dense_1']);
  });

  it('TimeDistributed(Bidirectional(LSTM(4))) on (3, 10, 4): 2 × 4 × (4 × 4 + 4 × 4 + 4) = 288, (None, 3, 8)', async () => {
    const summary = await summarize('td-bi.yaml', sequence('[3, 10, 4]', '  - {type: TimeDistributed, layer: {type: Bidirectional, layer: {type: LSTM, units: 4}}}\n'));
    assert.equal(row(summary, 'time_distributed').params, 288);
    assert.deepEqual(row(summary, 'time_distributed').outputShape, [null, 3, 8]);
  });

  it('RNN of stacked cells: each cell on the one before; the output the last\'s, the states in the cells\' order', async () => {
    const summary = await summarize('stacked.yaml', sequence('[10, 4]', '  - {type: RNN, cell: [{type: SimpleRNNCell, units: 8}, {type: LSTMCell, units: 4}], return_state: true}\n'));
    const rnn = row(summary, 'rnn');
    // SimpleRNNCell(8) on 4: 4 × 8 + 8 × 8 + 8 = 104; LSTMCell(4) on its 8: 4 × (8 × 4 + 4 × 4 + 4) = 208.
    assert.equal(rnn.params, 104 + 208);
    assert.deepEqual(rnn.outputShape, [[null, 4], [null, 8], [null, 4], [null, 4]]);
    assert.equal(rnn.macs, 10 * (4 * 8 + 8 * 8 + 8 * 16 + 4 * 16));
  });

  it('a wrapper made with trainable: false, as Keras 3.15.1 counts it: its row non-trainable, its layer\'s weights still trainable in the totals', async () => {
    // Keras: Bidirectional(LSTM(8), trainable=False) prints "Trainable params: 832", while the layer's own flag is off.
    const summary = await summarize('frozen-wrapper.yaml', sequence('[10, 4]', '  - {type: Bidirectional, layer: {type: LSTM, units: 8}, trainable: false}\n'));
    assert.deepEqual([row(summary, 'bidirectional').trainable, row(summary, 'bidirectional').nonTrainable, row(summary, 'bidirectional').layerTrainable], [0, 832, false]);
    assert.deepEqual([summary.totals.trainable, summary.totals.nonTrainable], [832, 0]);
  });

  it('a stateful layer with the input\'s batch size', async () => {
    const summary = await summarize('stateful.yaml', sequence('[10, 4]', '  - {type: LSTM, units: 8, stateful: true}\n', ', batch_size: 2'));
    assert.deepEqual(row(summary, 'lstm').outputShape, [2, 8]);
    assert.equal(row(summary, 'lstm').params, 416);
  });
});

describe('ConvLSTM1D and ConvLSTM3D, which TensorFlow.js lacks', () => {
  it('ConvLSTM1D(4, 3) on (5, 10, 4): kernel 3 × 4 × 16, recurrent kernel 3 × 4 × 16, bias 16 = 400; (None, 8, 4)', async () => {
    const summary = await summarize('conv-lstm1d.yaml', sequence('[5, 10, 4]', '  - {type: ConvLSTM1D, filters: 4, kernel_size: 3, return_sequences: true}\n'));
    assert.equal(row(summary, 'conv_lstm1d').params, 3 * 4 * 16 + 3 * 4 * 16 + 16);
    assert.deepEqual(row(summary, 'conv_lstm1d').outputShape, [null, 5, 8, 4]);
    // 5 steps × 8 positions × (192 + 192).
    assert.equal(row(summary, 'conv_lstm1d').macs, 5 * 8 * 384);
  });

  it('ConvLSTM3D(4, 3) on (3, 6, 6, 6, 2), padding same: 27 × 2 × 16 + 27 × 4 × 16 + 16 = 2,608; (None, 6, 6, 6, 4)', async () => {
    const summary = await summarize('conv-lstm3d.yaml', sequence('[3, 6, 6, 6, 2]', '  - {type: ConvLSTM3D, filters: 4, kernel_size: 3, padding: same}\n'));
    assert.equal(row(summary, 'conv_lstm3d').params, 2_608);
    assert.deepEqual(row(summary, 'conv_lstm3d').outputShape, [null, 6, 6, 6, 4]);
  });
});

describe('what Keras refuses, refused with Keras\'s reason', () => {
  it('a recurrent layer on sequences of unknown feature size', async () => {
    assert.equal(
      await refusal('none.yaml', sequence('[null, null]', '  - {type: SimpleRNN, units: 8}\n')),
      "none.yaml:4:5: layer \"simple_rnn\" (SimpleRNN): Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=(None, 8) for variable path='simple_rnn/simple_rnn_cell/kernel'",
    );
    assert.match(await refusal('none-bi.yaml', sequence('[10, null]', '  - {type: Bidirectional, layer: {type: LSTM, units: 8}}\n')), /variable path='bidirectional\/forward_lstm\/lstm_cell\/kernel'$/);
    assert.match(await refusal('none-stack.yaml', sequence('[10, null]', '  - {type: RNN, cell: [{type: GRUCell, units: 2}, {type: LSTMCell, units: 3}]}\n')), /shape=\(None, 6\) for variable path='rnn\/stacked_rnn_cells\/gru_cell\/kernel'$/);
    assert.match(await refusal('none-td.yaml', sequence('[5, null]', '  - {type: TimeDistributed, layer: {type: Dense, units: 3}}\n')), /shape=\(None, 3\) for variable path='time_distributed\/dense\/kernel'$/);
  });

  it('stateful without a batch size', async () => {
    assert.match(
      await refusal('stateful.yaml', sequence('[10, 4]', '  - {type: GRU, units: 8, stateful: true}\n')),
      /^stateful\.yaml:4:5: layer "gru" \(GRU\): When using `stateful=True` in a RNN, the batch size must be static\. Found dynamic batch size: sequence\.shape=\(None, 10, 4\)$/,
    );
  });

  it('Bidirectional of a layer that cannot run backwards, or with a backward layer running forwards', async () => {
    assert.match(await refusal('dense.yaml', sequence('[10, 4]', '  - {type: Bidirectional, layer: {type: Dense, units: 8}}\n')), /^dense\.yaml:4:5: layer "bidirectional" \(Bidirectional\): .*Dense is not one \(Keras: 'Dense' object has no attribute 'go_backwards'\)$/);
    assert.match(
      await refusal('forwards.yaml', sequence('[10, 4]', '  - {type: Bidirectional, layer: {type: LSTM, units: 8}, backward_layer: {type: LSTM, units: 8}}\n')),
      /layer "bidirectional" \(Bidirectional\): Forward layer and backward layer should have different `go_backwards` value\. Received: forward_layer\.go_backwards False, backward_layer\.go_backwards=False$/,
    );
  });

  it('Bidirectional of a layer already running backwards (its backward copy would too); TimeDistributed of a layer with several outputs', async () => {
    assert.match(await refusal('backwards.yaml', sequence('[10, 4]', '  - {type: Bidirectional, layer: {type: LSTM, units: 8, go_backwards: true}}\n')), /Received: forward_layer\.go_backwards True, backward_layer\.go_backwards=True$/);
    assert.match(await refusal('td-states.yaml', sequence('[5, 6, 4]', '  - {type: TimeDistributed, layer: {type: LSTM, units: 3, return_state: true}}\n')), /TimeDistributed applies a layer of one output to every step; LSTM "lstm" has 3/);
  });

  it('a nested layer\'s mistakes, located in it', async () => {
    assert.equal(
      await refusal('units.yaml', sequence('[10, 4]', '  - {type: Bidirectional, layer: {type: LSTM, units: -8}}\n')),
      'units.yaml:4:47: layer "bidirectional" (Bidirectional): its layer "lstm" (LSTM): "units" must be a positive whole number, not -8',
    );
    assert.match(await refusal('type.yaml', sequence('[10, 4]', '  - {type: TimeDistributed, layer: {type: Dence, units: 3}}\n')), /^type\.yaml:4:43: layer "time_distributed" \(TimeDistributed\): unknown layer type "Dence"; did you mean "Dense"\?$/);
    assert.match(await refusal('missing.yaml', sequence('[10, 4]', '  - {type: RNN}\n')), /^missing\.yaml:4:5: layer "rnn" \(RNN\): needs "cell", its cell, as \{type: LSTMCell, units: 8\}/);
    assert.match(await refusal('form.yaml', sequence('[10, 4]', '  - {type: TimeDistributed, layer: Dense}\n')), /^form\.yaml:4:36: layer "time_distributed" \(TimeDistributed\): needs "layer", .*; found "Dense"$/);
  });
});
