import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  activationBytes,
  addMacs,
  CostOverflowError,
  isKnownLayerClass,
  KNOWN_LAYER_CLASSES,
  layerMacs,
  peakActivationBytes,
  type ExecutionGraph,
  type LayerCallFacts,
  type MacsResult,
  UnknownDtypeError,
} from '../src/analysis/costs.js';
import { tensorBytes } from '../src/analysis/model-costs.js';
import { OPERATIONS } from '../src/model/layers/operations.js';
import { ROOT } from './helpers.js';

type Shape = (number | null)[];

/** One call, written by hand: weights as {leaf name: shape}, named under the layer as tfjs and Keras do. */
function call(type: string, inputShapes: Shape[], outputShapes: Shape[], weights: Record<string, number[]> = {}, config: Record<string, unknown> = {}): LayerCallFacts {
  return { type, config, inputShapes, outputShapes, weights: Object.entries(weights).map(([name, shape]) => ({ name: `${type.toLowerCase()}/${name}`, shape })) };
}

function macsOf(facts: LayerCallFacts, batchSize = 1): number {
  const result = layerMacs(facts, batchSize);
  assert.equal(result.kind, 'exact', JSON.stringify(result));
  return (result as Extract<MacsResult, { kind: 'exact' }>).macs;
}

function perStepOf(facts: LayerCallFacts, batchSize = 1): number {
  const result = layerMacs(facts, batchSize);
  assert.equal(result.kind, 'per-step', JSON.stringify(result));
  const perStep = result as Extract<MacsResult, { kind: 'per-step' }>;
  assert.equal(perStep.steps, null);
  assert.match(perStep.why, /unknown/);
  return perStep.macs;
}

function unknownWhy(facts: LayerCallFacts): string {
  const result = layerMacs(facts, 1);
  assert.equal(result.kind, 'unknown', JSON.stringify(result));
  return (result as Extract<MacsResult, { kind: 'unknown' }>).why;
}

describe('mult-adds of convolutions: output positions × kernel volume × input channels ÷ groups × output channels', () => {
  it('Conv2D: 8×8 positions × 16 filters × 3×3 kernel × 3 channels', () => {
    const conv = call('Conv2D', [[null, 8, 8, 3]], [[null, 8, 8, 16]], { kernel: [3, 3, 3, 16], bias: [16] });
    assert.equal(macsOf(conv), 8 * 8 * 16 * 3 * 3 * 3); // 27,648
    assert.equal(macsOf(conv, 2), 2 * 27_648);
  });

  it('Conv2D with 4 groups: each filter sees 8 ÷ 4 = 2 channels', () => {
    const conv = call('Conv2D', [[null, 10, 10, 8]], [[null, 8, 8, 12]], { kernel: [3, 3, 2, 12] }, { groups: 4 });
    assert.equal(macsOf(conv), 8 * 8 * 12 * 3 * 3 * 2); // 13,824
  });

  it('Conv1D (length 20, kernel 5, stride 2: 8 outputs) and Conv3D', () => {
    assert.equal(macsOf(call('Conv1D', [[null, 20, 4]], [[null, 8, 6]], { kernel: [5, 4, 6] })), 8 * 6 * 5 * 4); // 960
    assert.equal(macsOf(call('Conv3D', [[null, 4, 6, 6, 2]], [[null, 3, 4, 4, 5]], { kernel: [2, 3, 3, 2, 5] })), 3 * 4 * 4 * 5 * (2 * 3 * 3) * 2); // 8,640
  });

  it('channels first counts the same', () => {
    assert.equal(macsOf(call('Conv2D', [[null, 3, 8, 8]], [[null, 16, 8, 8]], { kernel: [3, 3, 3, 16] }, { dataFormat: 'channelsFirst' })), 27_648);
  });

  it('DepthwiseConv2D: each of the 8 × 2 output channels reads one input channel over 3×3', () => {
    const depthwise = call('DepthwiseConv2D', [[null, 7, 7, 8]], [[null, 7, 7, 16]], { depthwise_kernel: [3, 3, 8, 2] }, { depthMultiplier: 2 });
    assert.equal(macsOf(depthwise), 7 * 7 * 16 * 3 * 3); // 7,056
    // Keras 3 names the depthwise weight "kernel".
    assert.equal(macsOf(call('DepthwiseConv1D', [[null, 10, 4]], [[null, 8, 4]], { kernel: [3, 4, 1] })), 8 * 4 * 3); // 96
  });

  it('SeparableConv2D: depthwise 7×7×8×9 plus pointwise 7×7×32×8', () => {
    const separable = call('SeparableConv2D', [[null, 7, 7, 8]], [[null, 7, 7, 32]], { depthwise_kernel: [3, 3, 8, 1], pointwise_kernel: [1, 1, 8, 32], bias: [32] });
    assert.equal(macsOf(separable), 7 * 7 * 8 * 9 + 7 * 7 * 32 * 8); // 3,528 + 12,544 = 16,072
  });

  it('transposed convolutions count input positions × kernel (fvcore), not output positions', () => {
    // 4×4 input positions, each multiplied by a 3×3 kernel of 8 input and 5 output channels.
    assert.equal(macsOf(call('Conv2DTranspose', [[null, 4, 4, 8]], [[null, 8, 8, 5]], { kernel: [3, 3, 5, 8] }, { strides: [2, 2], padding: 'same' })), 4 * 4 * 3 * 3 * 5 * 8); // 5,760
    assert.equal(macsOf(call('Conv1DTranspose', [[null, 6, 3]], [[null, 9, 2]], { kernel: [4, 2, 3] })), 6 * 4 * 2 * 3); // 144
    assert.equal(macsOf(call('Conv3DTranspose', [[null, 2, 2, 2, 4]], [[null, 4, 4, 4, 3]], { kernel: [2, 2, 2, 3, 4] }, { strides: 2 })), 8 * 8 * 3 * 4); // 768
  });

  it('unknown spatial sizes give no count, and say which shape', () => {
    assert.match(unknownWhy(call('Conv2D', [[null, null, null, 3]], [[null, null, null, 16]], { kernel: [3, 3, 3, 16] })), /output shape \(None, None, None, 16\)/);
  });
});

describe('mult-adds of matrix products', () => {
  it('Dense counts every leading dimension', () => {
    assert.equal(macsOf(call('Dense', [[null, 10]], [[null, 4]], { kernel: [10, 4], bias: [4] })), 10 * 4);
    assert.equal(macsOf(call('Dense', [[null, 10]], [[null, 4]], { kernel: [10, 4] }), 3), 3 * 10 * 4);
    assert.equal(macsOf(call('Dense', [[null, 5, 10]], [[null, 5, 4]], { kernel: [10, 4] })), 5 * 10 * 4); // 200
    assert.equal(macsOf(call('Dense', [[null, 2, 3, 10]], [[null, 2, 3, 4]], { kernel: [10, 4] })), 2 * 3 * 10 * 4);
  });

  it('Dense with LoRA adds A·B (10×2 by 2×4) once per call', () => {
    const lora = call('Dense', [[null, 10]], [[null, 4]], { kernel: [10, 4], lora_kernel_a: [10, 2], lora_kernel_b: [2, 4] });
    assert.equal(macsOf(lora, 3), 3 * 10 * 4 + 10 * 2 * 4); // 120 + 80
  });

  it('LoRA on a convolution or an embedding: the merged kernel A·B once per call', () => {
    const conv = call('Conv2D', [[null, 8, 8, 3]], [[null, 8, 8, 16]], { kernel: [3, 3, 3, 16], lora_kernel_a: [3, 3, 3, 2], lora_kernel_b: [2, 16] });
    assert.equal(macsOf(conv), 27_648 + 3 * 3 * 3 * 2 * 16); // + 864
    assert.equal(macsOf(call('Embedding', [[null, 3]], [[null, 3, 8]], { embeddings: [100, 8], lora_embeddings_a: [100, 2], lora_embeddings_b: [2, 8] })), 100 * 2 * 8);
    assert.match(unknownWhy(call('Dense', [[null, null, 10]], [[null, null, 4]], { kernel: [10, 4], lora_kernel_a: [10, 2], lora_kernel_b: [2, 4] })), /80 mult-adds of LoRA plus 40 per step/);
  });

  it('EinsumDense counts its whole index space', () => {
    // abc,cde->abde: a = batch 1, b = 5, c = 8, d = 2, e = 3.
    assert.equal(macsOf(call('EinsumDense', [[null, 5, 8]], [[null, 5, 2, 3]], { kernel: [8, 2, 3] }, { equation: 'abc,cde->abde' })), 5 * 8 * 2 * 3); // 240
    // ...b,bc->...c: the ellipsis covers batch and 4 steps.
    assert.equal(macsOf(call('EinsumDense', [[null, 4, 6]], [[null, 4, 5]], { kernel: [6, 5] }, { equation: '...b,bc->...c' }), 2), 2 * 4 * 6 * 5); // 240
    // int4 stores abc,cde->abde's (8, 2, 3) kernel packed as (8 rows, 6 columns / 2): the sizes come from input and output.
    const int4 = { equation: 'abc,cde->abde', dtype: 'int4_from_float32' };
    assert.equal(macsOf(call('EinsumDense', [[null, 5, 8]], [[null, 5, 2, 3]], { kernel: [8, 3], kernel_scale: [6] }, int4)), 5 * 8 * 2 * 3); // 240
    const policy = { className: 'QuantizedDTypePolicy', config: { mode: 'int4', sourceName: 'float32' } };
    assert.equal(macsOf(call('EinsumDense', [[null, 8]], [[null, 4]], { kernel: [8, 2], kernel_scale: [4] }, { equation: 'ab,bc->ac', dtype: policy })), 8 * 4); // 32
  });

  it('keras.ops.einsum sums the axes an output without "..." drops, and a summed index at its broadcast size', () => {
    // "...i,...i->i" over (batch 3, 4, 5) twice: the output (5) sums batch and 4, so each of its 5 elements is 3·4 products
    // (jax.numpy.einsum gives shape (5,) and sums both axes): 5 · 3 · 4 = 60.
    assert.equal(macsOf(call('Einsum', [[null, 4, 5], [null, 4, 5]], [[5]], {}, { subscripts: '...i,...i->i' }), 3), 5 * 3 * 4);
    // "...ij,...jk->ik" over (3, 2, 6) and (3, 6, 4): the output (2, 4) sums j (6) and "..." (3); jax gives 18.0 an element for ones: 2 · 4 · 6 · 3 = 144.
    assert.equal(macsOf(call('Einsum', [[3, 2, 6], [3, 6, 4]], [[2, 4]], {}, { subscripts: '...ij,...jk->ik' })), 2 * 4 * 6 * 3);
    // "ij,jk->ik" over (2, 1) and (3, 4): jax broadcasts j's 1 to 3 (every output element is 3.0 for ones): 2 · 4 · 3 = 24.
    assert.equal(macsOf(call('Einsum', [[2, 1], [3, 4]], [[2, 4]], {}, { subscripts: 'ij,jk->ik' })), 2 * 4 * 3);
    // Only a 1 known beside an unknown size: the sum may be longer, so the count is unknown, never 1.
    assert.match(unknownWhy(call('Einsum', [[null, 2, 1], [null, null, 4]], [[null, 2, 4]], {}, { subscripts: 'bij,bjk->bik' })), /summed index "j"/);
  });

  it('Dot: output elements × the contracted axis, plus L2 normalizations when asked', () => {
    assert.equal(macsOf(call('Dot', [[null, 5], [null, 5]], [[null, 1]], {}, { axes: 1 })), 5);
    const batched = call('Dot', [[null, 3, 4], [null, 6, 4]], [[null, 3, 6]], {}, { axes: [2, 2] });
    assert.equal(macsOf(batched), 3 * 6 * 4); // 72
    assert.equal(macsOf({ ...batched, config: { axes: [2, 2], normalize: true } }), 72 + 4 * (3 * 4) + 4 * (6 * 4)); // 216
  });

  it('Embedding looks up; ReversibleEmbedding in reverse multiplies by the 100×8 table', () => {
    assert.equal(macsOf(call('Embedding', [[null, 3]], [[null, 3, 8]], { embeddings: [100, 8] })), 0);
    assert.equal(macsOf(call('ReversibleEmbedding', [[null, 3]], [[null, 3, 8]], { embeddings: [100, 8] })), 0);
    assert.equal(macsOf(call('ReversibleEmbedding', [[null, 3, 8]], [[null, 3, 100]], { embeddings: [100, 8] })), 3 * 8 * 100); // 2,400
  });
});

describe('mult-adds of recurrent layers: the gate products of every step', () => {
  // 7 steps of 3 features, 4 units.
  const input: Shape = [null, 7, 3];

  it('SimpleRNN: (3 + 4) × 4 per step', () => {
    assert.equal(macsOf(call('SimpleRNN', [input], [[null, 4]], { kernel: [3, 4], recurrent_kernel: [4, 4], bias: [4] })), 7 * (3 * 4 + 4 * 4)); // 196
  });

  it('LSTM: (3 + 4) × 4 gates × 4 per step', () => {
    const lstm = call('LSTM', [input], [[null, 7, 4]], { kernel: [3, 16], recurrent_kernel: [4, 16], bias: [16] }, { units: 4, returnSequences: true });
    assert.equal(macsOf(lstm), 7 * (3 * 16 + 4 * 16)); // 784
    assert.equal(macsOf(lstm, 2), 2 * 784);
  });

  it('GRU: 3 gates, the same with reset_after (two biases) or without (one)', () => {
    const after = call('GRU', [input], [[null, 4]], { kernel: [3, 12], recurrent_kernel: [4, 12], bias: [2, 12] }, { resetAfter: true });
    const before = call('GRU', [input], [[null, 4]], { kernel: [3, 12], recurrent_kernel: [4, 12], bias: [12] }, { resetAfter: false });
    assert.equal(macsOf(after), 7 * (3 * 12 + 4 * 12)); // 588
    assert.equal(macsOf(before), 588);
  });

  it('an unknown sequence length gives the cost per step', () => {
    const lstm = call('LSTM', [[null, null, 3]], [[null, 4]], { kernel: [3, 16], recurrent_kernel: [4, 16] });
    assert.equal(perStepOf(lstm), 3 * 16 + 4 * 16); // 112
    assert.equal(perStepOf(lstm, 2), 2 * 112);
  });

  it('Bidirectional counts both directions; a cell called alone is one step', () => {
    const bidirectional: LayerCallFacts = {
      type: 'Bidirectional',
      config: { layer: { className: 'LSTM', config: { units: 4 } }, mergeMode: 'concat' },
      inputShapes: [input],
      outputShapes: [[null, 8]],
      weights: [
        { name: 'bidirectional/forward_lstm/kernel', shape: [3, 16] },
        { name: 'bidirectional/forward_lstm/recurrent_kernel', shape: [4, 16] },
        { name: 'bidirectional/backward_lstm/kernel', shape: [3, 16] },
        { name: 'bidirectional/backward_lstm/recurrent_kernel', shape: [4, 16] },
      ],
    };
    assert.equal(macsOf(bidirectional), 2 * 784);
    assert.equal(macsOf(call('LSTMCell', [[null, 3], [null, 4], [null, 4]], [[null, 4], [null, 4], [null, 4]], { kernel: [3, 16], recurrent_kernel: [4, 16] })), 112);
  });

  it('Bidirectional with a backward layer of its own: each direction its own kernels; an unknown backward class is unknown', () => {
    // Forward LSTM(4) and backward GRU(2) on 3 features: (3 × 16 + 4 × 16) + (3 × 6 + 2 × 6) per step.
    const bidirectional: LayerCallFacts = {
      type: 'Bidirectional',
      config: { layer: { className: 'LSTM', config: { units: 4 } }, backwardLayer: { className: 'GRU', config: { units: 2, goBackwards: true } }, mergeMode: 'concat' },
      inputShapes: [input],
      outputShapes: [[null, 8]],
      weights: [
        { name: 'bidirectional/forward_lstm/kernel', shape: [3, 16] },
        { name: 'bidirectional/forward_lstm/recurrent_kernel', shape: [4, 16] },
        { name: 'bidirectional/gru/kernel', shape: [3, 6] },
        { name: 'bidirectional/gru/recurrent_kernel', shape: [2, 6] },
        { name: 'bidirectional/gru/bias', shape: [2, 6] },
      ],
    };
    assert.equal(macsOf(bidirectional), 7 * (3 * 16 + 4 * 16 + 3 * 6 + 2 * 6)); // 7 × 142 = 994
    const custom = { ...bidirectional, config: { ...bidirectional.config, backwardLayer: { className: 'MyBackwardRNN', config: {} } } };
    assert.match(unknownWhy(custom), /MyBackwardRNN/);
  });

  it('RNN costs its cells: an LSTMCell, or a stack of an LSTMCell and a GRUCell of 2 units; a custom cell is unknown', () => {
    const lstmCell = { className: 'LSTMCell', config: { units: 4 } };
    const rnn: LayerCallFacts = { type: 'RNN', config: { cell: lstmCell }, inputShapes: [input], outputShapes: [[null, 4]], weights: [{ name: 'rnn/lstm_cell/kernel', shape: [3, 16] }, { name: 'rnn/lstm_cell/recurrent_kernel', shape: [4, 16] }] };
    assert.equal(macsOf(rnn), 784);
    const stacked: LayerCallFacts = {
      ...rnn,
      config: { cell: { class_name: 'StackedRNNCells', config: { cells: [lstmCell, { class_name: 'GRUCell', config: { units: 2 } }] } } },
      weights: [...rnn.weights, { name: 'rnn/gru_cell/kernel', shape: [4, 6] }, { name: 'rnn/gru_cell/recurrent_kernel', shape: [2, 6] }],
    };
    assert.equal(macsOf(stacked), 7 * (3 * 16 + 4 * 16 + 4 * 6 + 2 * 6)); // 7 × 148 = 1,036
    assert.match(unknownWhy({ ...rnn, config: { cell: { className: 'MyCell', config: {} } } }), /MyCell/);
  });

  it('ConvLSTM2D: input and recurrent 3×3 convolutions of 4 gates at 6×6 positions, 5 steps', () => {
    const weights = { kernel: [3, 3, 2, 12], recurrent_kernel: [3, 3, 3, 12], bias: [12] };
    const perStep = 6 * 6 * (3 * 3 * 2 * 12 + 3 * 3 * 3 * 12); // 36 × (216 + 324) = 19,440
    assert.equal(macsOf(call('ConvLSTM2D', [[null, 5, 6, 6, 2]], [[null, 6, 6, 3]], weights, { padding: 'same' })), 5 * perStep); // 97,200
    assert.equal(macsOf(call('ConvLSTM2D', [[null, 5, 6, 6, 2]], [[null, 5, 6, 6, 3]], weights, { padding: 'same', returnSequences: true })), 5 * perStep);
    assert.equal(macsOf(call('ConvLSTM2D', [[null, 5, 2, 6, 6]], [[null, 3, 6, 6]], weights, { dataFormat: 'channels_first' })), 5 * perStep);
  });

  it('TimeDistributed: the wrapped Dense at each of 6 steps', () => {
    const wrapped = (steps: number | null): LayerCallFacts => ({
      type: 'TimeDistributed',
      config: { layer: { class_name: 'Dense', config: { units: 4 } } },
      inputShapes: [[null, steps, 10]],
      outputShapes: [[null, steps, 4]],
      weights: [{ name: 'time_distributed/dense/kernel', shape: [10, 4] }],
    });
    assert.equal(macsOf(wrapped(6), 2), 2 * 6 * 10 * 4); // 480
    assert.equal(perStepOf(wrapped(null), 2), 2 * 10 * 4);
  });

  it('SpectralNormalization: the wrapped layer\'s product, as the tool configures the wrapper (its vector_u is training only)', () => {
    const spectral: LayerCallFacts = {
      type: 'SpectralNormalization',
      config: { layer: { className: 'Dense', config: { units: 4 } }, powerIterations: 1 },
      inputShapes: [[null, 5, 8]],
      outputShapes: [[null, 5, 4]],
      weights: [
        { name: 'spectral_normalization/dense/kernel', shape: [8, 4] },
        { name: 'spectral_normalization/dense/bias', shape: [4] },
        { name: 'spectral_normalization/vector_u', shape: [1, 4] },
      ],
    };
    assert.equal(macsOf(spectral, 2), 2 * 5 * 8 * 4); // 320
  });

  it('position-by-position layers after a sequence of unknown length are per step too', () => {
    assert.equal(perStepOf(call('Dense', [[null, null, 10]], [[null, null, 4]], { kernel: [10, 4] })), 40);
    assert.equal(perStepOf(call('GlobalAveragePooling1D', [[null, null, 16]], [[null, 16]])), 16);
  });
});

describe('mult-adds of attention: projections and the two products', () => {
  it('MultiHeadAttention, 2 heads of key_dim 2, query (8, 16) and value (4, 16)', () => {
    const mha = call('MultiHeadAttention', [[null, 8, 16], [null, 4, 16]], [[null, 8, 16]], {}, { numHeads: 2, keyDim: 2 });
    const projections = 8 * 16 * 2 * 2 + 4 * 16 * 2 * 2 + 4 * 16 * 2 * 2; // query 512, key 256, value 256
    const products = 2 * 8 * 4 * 2 + 2 * 8 * 4 * 2; // scores 128, scores·value 128
    const output = 8 * 2 * 2 * 16; // 512
    assert.equal(macsOf(mha), projections + products + output); // 1,792
    assert.equal(macsOf({ ...mha, config: { num_heads: 2, key_dim: 2, use_gate: true } }), 1_792 + 8 * 16 * 2 * 2); // the gate: a fourth query-sized projection
  });

  it('MultiHeadAttention over axis 2 only of (3, 4, 8): axis 1 acts as a batch', () => {
    const mha = call('MultiHeadAttention', [[null, 3, 4, 8], [null, 3, 4, 8]], [[null, 3, 4, 8]], {}, { numHeads: 1, keyDim: 2, attentionAxes: [2] });
    // 12 positions × 8 × 1 × 2 = 192 for each projection and for the output; pairs 3 × 1 × 4 × 4 = 48, × 2 per product.
    assert.equal(macsOf(mha), 192 * 3 + 48 * 2 * 2 + 192); // 960
  });

  it('GroupQueryAttention: 4 query heads, 2 key/value heads of 2', () => {
    const gqa = call('GroupQueryAttention', [[null, 6, 8], [null, 4, 8]], [[null, 6, 8]], {}, { headDim: 2, numQueryHeads: 4, numKeyValueHeads: 2 });
    const projections = 6 * 8 * 4 * 2 + 4 * 8 * 2 * 2 + 4 * 8 * 2 * 2; // 384 + 128 + 128
    const products = 2 * (4 * 6 * 4 * 2); // 384: scores and scores·value for every query head
    assert.equal(macsOf(gqa), projections + products + 6 * 4 * 2 * 8); // + output 384 = 1,408
    // Keras prints the class as GroupedQueryAttention (its Python name), and that is the type a summary's calls carry.
    assert.equal(macsOf({ ...gqa, type: 'GroupedQueryAttention' }), 1408);
  });

  it('Attention and AdditiveAttention: 3 × 5 pairs over 4 features, then over 6 value features', () => {
    const shapes: Shape[] = [[null, 3, 4], [null, 5, 6], [null, 5, 4]];
    assert.equal(macsOf(call('Attention', shapes, [[null, 3, 6]])), 3 * 5 * 4 + 3 * 5 * 6); // 150
    assert.equal(macsOf(call('AdditiveAttention', shapes, [[null, 3, 6]], { scale: [4] })), 150);
    assert.equal(macsOf(call('Attention', [[null, 3, 4], [null, 5, 4]], [[null, 3, 4]])), 3 * 5 * 4 * 2); // key = value
  });

  it('an unknown sequence length leaves attention unknown: its cost is not linear in it', () => {
    assert.match(unknownWhy(call('Attention', [[null, null, 4], [null, null, 4]], [[null, null, 4]])), /query shape/);
  });
});

describe('mult-adds of normalization, pooling and resizing, per element as fvcore counts them', () => {
  it('BatchNormalization and Normalization fold into the layer before them at inference: zero', () => {
    assert.equal(macsOf(call('BatchNormalization', [[null, 4, 4, 8]], [[null, 4, 4, 8]], { gamma: [8], beta: [8], moving_mean: [8], moving_variance: [8] })), 0);
    assert.equal(macsOf(call('Normalization', [[null, 4, 4, 3]], [[null, 4, 4, 3]], { mean: [3], variance: [3], count: [] })), 0);
  });

  it('run-time normalizations: 5 per element with a learned scale or offset, 4 without', () => {
    const shape: Shape = [null, 5, 6];
    assert.equal(macsOf(call('LayerNormalization', [shape], [shape], { gamma: [6], beta: [6] })), 5 * 30);
    assert.equal(macsOf(call('LayerNormalization', [shape], [shape])), 4 * 30);
    assert.equal(macsOf(call('GroupNormalization', [shape], [shape], { gamma: [6], beta: [6] }, { groups: 2 })), 150);
    assert.equal(macsOf(call('RMSNormalization', [shape], [shape], { scale: [6] })), 150);
    assert.equal(macsOf(call('UnitNormalization', [shape], [shape])), 120);
    assert.equal(perStepOf(call('LayerNormalization', [[null, null, 6]], [[null, null, 6]], { gamma: [6] })), 5 * 6);
  });

  it('average pooling adds every window element; max pooling compares', () => {
    assert.equal(macsOf(call('AveragePooling2D', [[null, 4, 4, 3]], [[null, 2, 2, 3]], {}, { poolSize: [2, 2] })), 2 * 2 * 3 * 4); // 48 = the 48 input elements
    assert.equal(macsOf(call('AveragePooling2D', [[null, 5, 5, 2]], [[null, 5, 5, 2]], {}, { pool_size: [3, 3], strides: [1, 1], padding: 'same' })), 5 * 5 * 2 * 9); // 450
    assert.equal(macsOf(call('AveragePooling1D', [[null, 6, 2]], [[null, 3, 2]], {}, { poolSize: 2 })), 3 * 2 * 2);
    assert.equal(macsOf(call('MaxPooling2D', [[null, 4, 4, 3]], [[null, 2, 2, 3]], {}, { poolSize: [2, 2] })), 0);
  });

  it('global and adaptive average pooling: one per input element', () => {
    assert.equal(macsOf(call('GlobalAveragePooling2D', [[null, 7, 7, 16]], [[null, 16]])), 7 * 7 * 16); // 784
    assert.equal(macsOf(call('AdaptiveAveragePooling2D', [[null, 6, 6, 2]], [[null, 2, 2, 2]])), 72);
    assert.equal(macsOf(call('GlobalMaxPooling2D', [[null, 7, 7, 16]], [[null, 16]])), 0);
  });

  it('resizing: per output element, 1 nearest, 4 bilinear, 16 bicubic; area per input element', () => {
    const up = (interpolation?: string) => call('UpSampling2D', [[null, 2, 3, 4]], [[null, 4, 6, 4]], {}, interpolation ? { size: [2, 2], interpolation } : { size: [2, 2] });
    assert.equal(macsOf(up()), 96);
    assert.equal(macsOf(up('bilinear')), 4 * 96);
    assert.equal(macsOf(call('UpSampling1D', [[null, 3, 2]], [[null, 6, 2]])), 12);
    assert.equal(macsOf(call('Resizing', [[null, 4, 4, 1]], [[null, 8, 8, 1]], {}, { height: 8, width: 8, interpolation: 'bicubic' })), 16 * 64);
    assert.equal(macsOf(call('Resizing', [[null, 8, 8, 1]], [[null, 4, 4, 1]], {}, { height: 4, width: 4, interpolation: 'area' })), 64);
    assert.equal(macsOf(call('Resizing', [[null, 4, 4, 1]], [[null, 8, 8, 1]], {}, { height: 8, width: 8 })), 4 * 64); // bilinear by default
  });

  it('CenterCrop crops for free, and resizes bilinearly when the image is smaller than the target', () => {
    assert.equal(macsOf(call('CenterCrop', [[null, 10, 10, 3]], [[null, 8, 8, 3]], {}, { height: 8, width: 8 })), 0);
    assert.equal(macsOf(call('CenterCrop', [[null, 6, 6, 3]], [[null, 8, 8, 3]], {}, { height: 8, width: 8 })), 4 * 8 * 8 * 3); // 768
  });

  it('STFTSpectrogram: 19 frames × (16-sample real and imaginary kernels of 9 bins)', () => {
    const stft = call('STFTSpectrogram', [[null, 160, 1]], [[null, 19, 9]], { real_kernel: [16, 1, 9], imag_kernel: [16, 1, 9] }, { frameLength: 16, frameStep: 8, fftLength: 16, mode: 'log' });
    assert.equal(macsOf(stft), 19 * (16 * 9 + 16 * 9)); // 5,472
  });
});

describe('what counts zero, and what cannot be counted', () => {
  it('elementwise merges, activations, reshapes, dropout, padding and cropping are zero, even with unknown sizes', () => {
    const open: Shape = [null, null, null, 8];
    for (const type of ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Activation', 'ReLU', 'Softmax', 'Flatten', 'Reshape', 'Permute', 'Dropout', 'SpatialDropout2D', 'GaussianNoise', 'ZeroPadding2D', 'Cropping2D', 'Rescaling', 'Masking', 'InputLayer', 'RandomFlip', 'StringLookup']) {
      assert.equal(macsOf(call(type, [open, open], [open])), 0, type);
    }
  });

  it('a model used as a layer costs its inner calls', () => {
    const inner = [call('Dense', [[null, 10]], [[null, 4]], { kernel: [10, 4] }), call('ReLU', [[null, 4]], [[null, 4]]), call('Dense', [[null, 4]], [[null, 2]], { kernel: [4, 2] })];
    assert.equal(macsOf({ ...call('Functional', [[null, 10]], [[null, 2]]), nested: inner }, 3), 3 * (40 + 8));
    assert.match(unknownWhy(call('Sequential', [[null, 10]], [[null, 2]])), /inner calls/);
    // An LSTM over an unknown length, then a Dense on its last state: 112 per step plus 4 × 2 once.
    const mixed = [call('LSTM', [[null, null, 3]], [[null, 4]], { kernel: [3, 16], recurrent_kernel: [4, 16] }), call('Dense', [[null, 4]], [[null, 2]], { kernel: [4, 2] })];
    assert.match(unknownWhy({ ...call('Functional', [[null, null, 3]], [[null, 2]]), nested: mixed }), /8 mult-adds plus 112 per step/);
  });

  it('a Pipeline costs the inner calls its configuration records for the input it ran on', () => {
    const steps = [{ input: [null, 10], calls: [call('Dense', [[null, 10]], [[null, 4]], { kernel: [10, 4] }), call('Dense', [[null, 4]], [[null, 2]], { kernel: [4, 2] })] }];
    assert.equal(macsOf(call('Pipeline', [[null, 10]], [[null, 2]], {}, { steps }), 3), 3 * (10 * 4 + 4 * 2));
    assert.match(unknownWhy(call('Pipeline', [[null, 12]], [[null, 2]], {}, { steps })), /none were recorded for its input \(None, 12\)/);
  });

  it('custom code, FFT spectrograms and unregistered classes are unknown, and say why', () => {
    assert.match(unknownWhy(call('Lambda', [[null, 4]], [[null, 4]])), /arbitrary code/);
    assert.match(unknownWhy(call('MelSpectrogram', [[null, 16000]], [[null, 128, 63]])), /FFT/);
    assert.match(unknownWhy(call('MyCustomLayer', [[null, 4]], [[null, 4]])), /no mult-add rule for the class MyCustomLayer/);
    assert.match(unknownWhy(call('Conv2D', [[null, 8, 8, 3]], [[null, 8, 8, 16]])), /no kernel weight/);
  });

  it('tf.keras 2 TensorFlow ops: DepthToSpace moves data; other ops are unknown', () => {
    assert.equal(macsOf(call('TensorFlowOpLayer', [[null, 4, 4, 16]], [[null, 8, 8, 4]], {}, { nodeDef: { op: 'DepthToSpace' } })), 0);
    assert.match(unknownWhy(call('TensorFlowOpLayer', [[null, 4]], [[null, 4]], {}, { nodeDef: { op: 'MatMul' } })), /MatMul/);
  });

  it('keras.ops nodes of a Keras 3 graph: elementwise ops, reductions and reshapes count no mult-adds, and every op with a shape rule has a cost rule', () => {
    // MobileNetV3's hard_sigmoid: add(x, 3) and multiply(x, 1/6) on (None, 1, 1, 16); an Embedding's mask: not_equal(x, 0).
    assert.equal(macsOf(call('Add', [[null, 1, 1, 16]], [[null, 1, 1, 16]])), 0);
    assert.equal(macsOf(call('NotEqual', [[null, 5]], [[null, 5]])), 0);
    assert.equal(macsOf(call('Any', [[null, 5, 3]], [[null, 5]], {}, { axis: -1, keepdims: false })), 0);
    assert.equal(macsOf(call('GetItem', [[null, 2, 3, 16]], [[null, 3, 16]])), 0);
    assert.deepEqual(Object.keys(OPERATIONS).filter((name) => !isKnownLayerClass(name)), []);
  });

  it('every layer class keras.layers exports has a rule', () => {
    const classes = JSON.parse(readFileSync(join(ROOT, 'test/golden/macs/keras-layer-classes.json'), 'utf8')).classes as string[];
    assert.ok(classes.length > 150);
    assert.deepEqual(classes.filter((name) => !isKnownLayerClass(name)), []);
    assert.equal(new Set(KNOWN_LAYER_CLASSES).size, KNOWN_LAYER_CLASSES.length);
  });
});

describe('exactness past 2^53', () => {
  // 2^53 − 1 = 6,361 × 69,431 × 20,394,401.
  const edge = call('Dense', [[null, 6_361]], [[null, 69_431 * 20_394_401]], { kernel: [6_361, 69_431 * 20_394_401] });

  it('a count of exactly Number.MAX_SAFE_INTEGER is still exact', () => {
    assert.equal(macsOf(edge), Number.MAX_SAFE_INTEGER);
  });

  it('one sample more refuses rather than round', () => {
    assert.throws(() => layerMacs(edge, 2), CostOverflowError);
    assert.throws(() => layerMacs(call('Dense', [[null, 1 << 20, 1 << 20]], [[null, 1 << 20, 1 << 20]], { kernel: [1 << 20, 1 << 20] }), 1), /more mult-adds than 9,007,199,254,740,991/);
    assert.throws(() => addMacs(Number.MAX_SAFE_INTEGER, 1), CostOverflowError);
    assert.equal(addMacs(Number.MAX_SAFE_INTEGER - 1, 1), Number.MAX_SAFE_INTEGER);
    assert.throws(() => activationBytes([null, 1 << 30, 1 << 30], 'float64', 1), CostOverflowError);
  });
});

describe('activation bytes', () => {
  it('elements × dtype size at the batch size', () => {
    assert.equal(activationBytes([null, 32, 32, 64], 'float32', 1), 32 * 32 * 64 * 4); // 262,144
    assert.equal(activationBytes([null, 32, 32, 64], 'float16', 2), 2 * 32 * 32 * 64 * 2);
    assert.equal(activationBytes([null, 10], 'int64', 3), 3 * 10 * 8);
    assert.equal(activationBytes([4, 10], 'float32', 3), 4 * 10 * 4); // a fixed batch dimension stays
    assert.equal(activationBytes([null, null, 10], 'float32', 1), null);
    assert.equal(activationBytes([null, 10], 'string', 1), null);
    assert.throws(() => activationBytes([null, 10], 'float24', 1), UnknownDtypeError);
  });

  it('an unknown dtype is an unknown cost saying so; a fault in the code is never taken for one', () => {
    assert.deepEqual(tensorBytes([null, 10], 'float24', 1), { kind: 'unknown', why: 'dtype "float24" has no known size' });
    // A shape that is no list makes a TypeError inside: it must surface, not print as "unknown".
    assert.throws(() => tensorBytes(null as unknown as [null], 'float32', 1), TypeError);
  });
});

describe('peak live activation memory', () => {
  const f32 = (id: string, ...dims: number[]) => ({ id, shape: [null, ...dims], dtype: 'float32' });

  it('a chain: the input and the first layer\'s output are live together', () => {
    const chain: ExecutionGraph = {
      tensors: [f32('x', 100), f32('h', 200), f32('y', 50)], // 400, 800, 200 bytes
      inputs: ['x'],
      outputs: ['y'],
      calls: [
        { name: 'dense', inputs: ['x'], outputs: ['h'] },
        { name: 'dense_1', inputs: ['h'], outputs: ['y'] },
      ],
    };
    assert.deepEqual(peakActivationBytes(chain, 1), { peakBytes: 400 + 800, atCall: 'dense', liveAtPeak: ['x', 'h'] });
    assert.equal(peakActivationBytes(chain, 4).peakBytes, 4 * 1200);
  });

  it('a residual block keeps its input live across the branch', () => {
    // Four (8, 8, 16) float32 maps of 4,096 bytes each.
    const block: ExecutionGraph = {
      tensors: [f32('x', 8, 8, 16), f32('a', 8, 8, 16), f32('b', 8, 8, 16), f32('sum', 8, 8, 16)],
      inputs: ['x'],
      outputs: ['sum'],
      calls: [
        { name: 'conv', inputs: ['x'], outputs: ['a'] },
        { name: 'conv_1', inputs: ['a'], outputs: ['b'] },
        { name: 'add', inputs: ['x', 'b'], outputs: ['sum'] },
      ],
    };
    // At conv_1: x (held for the add), a and b. The add's moment (x, b, sum) ties, and the first moment stands.
    assert.deepEqual(peakActivationBytes(block, 1), { peakBytes: 3 * 4_096, atCall: 'conv_1', liveAtPeak: ['x', 'a', 'b'] });
    const chain = { ...block, calls: [block.calls[0], block.calls[1], { name: 'relu', inputs: ['b'], outputs: ['sum'] }] };
    assert.equal(peakActivationBytes(chain, 1).peakBytes, 2 * 4_096); // without the skip, two maps at a time
  });

  it('a DenseNet-style block: every concatenation is a higher peak than any convolution', () => {
    // (4, 4, channels) float32: 64 bytes per channel. Input 8 channels, growth 4.
    const graph: ExecutionGraph = {
      tensors: [f32('x0', 4, 4, 8), f32('h1', 4, 4, 4), f32('c1', 4, 4, 12), f32('h2', 4, 4, 4), f32('c2', 4, 4, 16), f32('h3', 4, 4, 4), f32('c3', 4, 4, 20)],
      inputs: ['x0'],
      outputs: ['c3'],
      calls: [
        { name: 'conv1', inputs: ['x0'], outputs: ['h1'] },
        { name: 'concat1', inputs: ['x0', 'h1'], outputs: ['c1'] },
        { name: 'conv2', inputs: ['c1'], outputs: ['h2'] },
        { name: 'concat2', inputs: ['c1', 'h2'], outputs: ['c2'] },
        { name: 'conv3', inputs: ['c2'], outputs: ['h3'] },
        { name: 'concat3', inputs: ['c2', 'h3'], outputs: ['c3'] },
      ],
    };
    // Moments: conv1 512 + 256 = 768; concat1 512 + 256 + 768 = 1,536; conv2 768 + 256 = 1,024;
    // concat2 768 + 256 + 1,024 = 2,048; conv3 1,024 + 256 = 1,280; concat3 1,024 + 256 + 1,280 = 2,560.
    assert.deepEqual(peakActivationBytes(graph, 1), { peakBytes: 2_560, atCall: 'concat3', liveAtPeak: ['c2', 'h3', 'c3'] });
    const upTo = (n: number) => peakActivationBytes({ ...graph, calls: graph.calls.slice(0, n), outputs: [graph.calls[n - 1].outputs[0]] }, 1);
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => upTo(n).peakBytes), [768, 1_536, 1_536, 2_048, 2_048]);
  });

  it('an unknown dimension gives no peak, and says which tensor', () => {
    const graph: ExecutionGraph = { tensors: [f32('x', 4), { id: 'seq', shape: [null, null, 4], dtype: 'float32' }], inputs: ['x'], outputs: ['seq'], calls: [{ name: 'repeat', inputs: ['x'], outputs: ['seq'] }] };
    const peak = peakActivationBytes(graph, 1);
    assert.equal(peak.peakBytes, null);
    assert.match(peak.why ?? '', /seq/);
  });

  it('a call that reads a tensor nothing made is an error in the graph', () => {
    const graph: ExecutionGraph = { tensors: [f32('x', 4), f32('y', 4)], inputs: ['x'], outputs: ['y'], calls: [{ name: 'add', inputs: ['x', 'z'], outputs: ['y'] }] };
    assert.throws(() => peakActivationBytes(graph, 1), /reads tensor z/);
  });
});

describe('Keras Applications against the published torchvision figures', () => {
  // Facts of every call Keras builds (tools/keras-macs.py, committed), costed here by the TypeScript rules.
  const dir = join(ROOT, 'test/golden/macs');
  const files = readdirSync(dir).filter((name) => /^keras-[A-Z].*\.json$/.test(name));
  type Row = LayerCallFacts & { name: string; macs: number; nested?: Row[] };
  const leaves = (rows: Row[]): Row[] => rows.flatMap((row) => (row.nested ? leaves(row.nested) : [row]));

  it('covers the seven models', () => {
    assert.deepEqual(files.map((f) => f.slice(6, -5)).sort(), ['ConvNeXtTiny', 'DenseNet121', 'EfficientNetB0', 'InceptionV3', 'MobileNetV2', 'MobileNetV3Large', 'VGG16']);
  });

  for (const file of files) {
    const golden = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const torchvision = JSON.parse(readFileSync(join(dir, `${golden.torchvision.model}.json`), 'utf8'));
    const rows = golden.layers as Row[];

    it(`${golden.model}: the rules give the Python twin's count for every layer`, () => {
      for (const row of rows) assert.equal(macsOf(row), row.macs, `${row.name} (${row.type})`);
    });

    it(`${golden.model}: the total is within 2% of the published ${golden.published.gmacs} G (or its rounding)`, () => {
      const total = addMacs(...rows.map((row) => macsOf(row)));
      const published = golden.published.gmacs * 1e9;
      assert.ok(Math.abs(total - published) <= Math.max(0.02 * published, 0.005e9), `${total} against ${published}`);
    });

    it(`${golden.model}: every convolution and matrix product has a torchvision twin of the same count`, () => {
      const products = leaves(rows).filter((row) => /^(Conv2D|DepthwiseConv2D|Dense)$/.test(row.type)).map((row) => macsOf(row));
      const twins = (torchvision.modules as { leaf: boolean; type: string; flopCounterMacs: number }[])
        .filter((module) => module.leaf && /^(Conv2d|Linear)$/.test(module.type))
        .map((module) => module.flopCounterMacs);
      assert.deepEqual([...products].sort((a, b) => a - b), [...twins].sort((a, b) => a - b));
    });

    it(`${golden.model}: the peak of the liveness walk is the Python twin's`, () => {
      const peak = peakActivationBytes(golden.graph, 1);
      assert.equal(peak.peakBytes, golden.peakActivation.peakBytes);
      assert.equal(peak.atCall, golden.peakActivation.atCall);
    });
  }
});
