import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { describe, it } from 'node:test';
import type { LayerSummary, ModelSummary } from '../src/analysis/types.js';
import { analyzeFile } from '../src/pipeline.js';
import { ROOT, runCli, writeTemp } from './helpers.js';

/**
 * The core, attention, normalization, merge and regularization layers Keras 3
 * has and tfjs lacks or builds differently, and Keras 3's quantized dtype
 * policies, as a user meets them: a spec or a Keras file through the CLI,
 * every count against a hand computation from Keras's build() (read in
 * Keras 3.15.1's source), every refusal exit 2, located, in Keras's words.
 */

let counter = 0;

async function summaryOf(text: string, ext = 'yaml'): Promise<ModelSummary> {
  const path = writeTemp(`core-${counter++}.${ext}`, text);
  const result = await runCli([path, '--json', '--merges', 'none']);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as ModelSummary;
}

async function refusal(text: string): Promise<{ path: string; stderr: string }> {
  const path = writeTemp(`core-${counter++}.yaml`, text);
  const result = await runCli([path]);
  assert.equal(result.status, 2, result.stdout);
  return { path, stderr: result.stderr };
}

const layer = (summary: ModelSummary, name: string): LayerSummary => {
  const found = summary.layers.find((row) => row.name === name);
  assert.ok(found, `no row ${name}`);
  return found;
};

const counts = (row: LayerSummary) => [row.params, row.trainable, row.nonTrainable];

describe('Dense and Embedding with LoRA and quantized dtype policies', () => {
  it('a spec: the weights Keras adds and which of them train', async () => {
    const summary = await summaryOf(
      [
        'inputs: [{name: x, shape: [8]}]',
        'layers:',
        '  - {type: Dense, name: plain, units: 4, from: x}',
        '  - {type: Dense, name: lora, units: 4, lora_rank: 2, from: x}',
        '  - {type: Dense, name: int8, units: 4, dtype: int8_from_float32, from: x}',
        '  - {type: Dense, name: int4, units: 5, dtype: int4_from_float32, from: x}',
        '  - {type: Dense, name: int4_blocks, units: 5, dtype: int4/3_from_float32, from: x}',
        '  - {type: Dense, name: float8, units: 4, dtype: float8_from_float32, from: x}',
        'outputs: [plain, lora, int8, int4, int4_blocks, float8]',
      ].join('\n'),
    );
    assert.deepEqual(counts(layer(summary, 'plain')), [36, 36, 0]);
    // LoRA: the (8, 4) kernel is frozen; lora_kernel_a (8, 2) and lora_kernel_b (2, 4) train, with the bias.
    assert.deepEqual(counts(layer(summary, 'lora')), [32 + 4 + 16 + 8, 4 + 16 + 8, 32]);
    // int8: an int8 kernel (8, 4) and a kernel_scale per unit, frozen; the bias trains.
    assert.deepEqual(counts(layer(summary, 'int8')), [32 + 4 + 4, 4, 32 + 4]);
    // int4: the kernel packed two to a byte, (8, ceil(5 / 2) = 3), and a scale per unit.
    assert.deepEqual(counts(layer(summary, 'int4')), [24 + 5 + 5, 5, 24 + 5]);
    // int4 in blocks of 3 inputs: scales and zero points of (ceil(8 / 3) = 3, 5), and g_idx of 8.
    assert.deepEqual(counts(layer(summary, 'int4_blocks')), [24 + 15 + 15 + 8 + 5, 5, 24 + 15 + 15 + 8]);
    // float8: three scales and three amax histories of 1024, all trainable, beside the kernel and bias.
    assert.deepEqual(counts(layer(summary, 'float8')), [36 + 3 + 3 * 1024, 36 + 3 + 3 * 1024, 0]);
    // Parameter memory of the frozen weights: LoRA's float32 kernel; int8 and packed int4 kernels and zero points a byte a value.
    assert.equal(summary.totals.nonTrainableBytes, 32 * 4 + (32 + 4 * 4) + (24 + 5 * 4) + (24 + 15 * 4 + 15 + 8 * 4));
  });

  it('a Keras 3 file: QuantizedDTypePolicy objects as Keras writes them, an Embedding quantized to int8', async () => {
    const policy = (mode: string) => ({ module: 'keras.dtype_policies', class_name: 'QuantizedDTypePolicy', config: { mode, source_name: 'float32' }, registered_name: null });
    const json = keras3Model(
      [{ name: 'tokens', shape: [5], dtype: 'int32' }],
      [
        { class_name: 'Embedding', config: { name: 'embedding', input_dim: 10, output_dim: 4, dtype: policy('int8') }, from: ['tokens'] },
        { class_name: 'Dense', config: { name: 'dense', units: 3, dtype: policy('int4') }, from: ['embedding'] },
      ],
      ['dense'],
    );
    const summary = await summaryOf(JSON.stringify(json), 'json');
    // Embedding int8: an int8 table (10, 4) and a scale per row, all frozen.
    assert.deepEqual(counts(layer(summary, 'embedding')), [40 + 10, 0, 50]);
    // Dense int4 on 4 features: kernel (4, 2), scale 3 and bias 3.
    assert.deepEqual(counts(layer(summary, 'dense')), [8 + 3 + 3, 3, 11]);
  });

  it('float8 on an Embedding is Keras\'s error, and so is int8 with float16 compute', async () => {
    const embedding = await refusal('inputs: [{shape: [5], dtype: int32}]\nlayers:\n  - {type: Embedding, input_dim: 10, output_dim: 4, dtype: float8_from_float32}\n');
    assert.match(embedding.stderr, /^.*core-\d+\.yaml:\d+:\d+: layer "embedding" \(Embedding\).*Invalid quantization mode\. Expected one of \('int8', 'int4'\)\. Received: quantization_mode=float8/);
    const float16 = await refusal('inputs: [{shape: [8]}]\nlayers:\n  - {type: Dense, units: 4, dtype: int8_from_mixed_float16}\n');
    assert.match(float16.stderr, /Quantization mode='int8' doesn't work well with compute_dtype='float16'/);
  });

  it('Dense on an unknown last dimension: Keras cannot make the kernel, and neither does the tool', async () => {
    const { path, stderr } = await refusal('inputs: [{shape: [5, null]}]\nlayers:\n  - {type: Dense, units: 4}\n');
    assert.ok(stderr.startsWith(`${path}:`), stderr);
    assert.match(stderr, /layer "dense" \(Dense\): Shapes used to initialize variables must be fully-defined \(no `None` dimensions\)\. Received: shape=\(None, 4\) for variable path='dense\/kernel'/);
  });
});

describe('EinsumDense and ReversibleEmbedding', () => {
  it('EinsumDense: kernel and bias from the equation, the output from output_shape and the input', async () => {
    const summary = await summaryOf(
      [
        'inputs: [{name: x, shape: [5, 8]}]',
        'layers:',
        '  - {type: EinsumDense, name: heads, equation: "abc,cde->abde", output_shape: [null, 2, 3], bias_axes: de, from: x}',
        '  - {type: EinsumDense, name: flat, equation: "abc,bcd->ad", output_shape: 4, from: x}',
        '  - {type: EinsumDense, name: quantized, equation: "abc,cde->abde", output_shape: [null, 2, 3], bias_axes: e, dtype: int8_from_float32, from: x}',
        'outputs: [heads, flat, quantized]',
      ].join('\n'),
    );
    // kernel (c, d, e) = (8, 2, 3): 48; bias over "de": (2, 3): 6. b is shared with the input, and None in output_shape.
    assert.deepEqual(layer(summary, 'heads').outputShape, [null, null, 2, 3]);
    assert.deepEqual(counts(layer(summary, 'heads')), [54, 54, 0]);
    // kernel (b, c, d) = (5, 8, 4), no bias.
    assert.deepEqual(layer(summary, 'flat').outputShape, [null, 4]);
    assert.equal(layer(summary, 'flat').params, 160);
    // int8: the kernel frozen with a kernel_scale of (1, 1, 2, 3) (one per output channel), the bias (3,) trains.
    assert.deepEqual(counts(layer(summary, 'quantized')), [48 + 6 + 3, 3, 54]);
  });

  it('EinsumDense errors are Keras\'s', async () => {
    const equation = await refusal('inputs: [{shape: [8]}]\nlayers:\n  - {type: EinsumDense, equation: "ab->ac", output_shape: 4}\n');
    assert.match(equation.stderr, /Invalid einsum equation 'ab->ac'\. Equations must be in the form \[X\],\[Y\]->\[Z\], \.\.\.\[X\],\[Y\]->\.\.\.\[Z\], or \[X\]\.\.\.,\[Y\]->\[Z\]\.\.\.\./);
    const shared = await refusal('inputs: [{shape: [5, 8]}]\nlayers:\n  - {type: EinsumDense, equation: "abc,cd->abd", output_shape: [6, 4]}\n');
    assert.match(shared.stderr, /Input shape and output shape do not match at shared dimension 'b'\. Input shape is 5, and output shape is 6\./);
  });

  it('ReversibleEmbedding: the table, a reverse table of its own without tie_weights, and reverse=True in a Keras 3 file', async () => {
    const spec = await summaryOf(
      'inputs: [{name: t, shape: [5], dtype: int32}]\nlayers:\n  - {type: ReversibleEmbedding, name: tied, input_dim: 10, output_dim: 4, from: t}\n  - {type: ReversibleEmbedding, name: untied, input_dim: 10, output_dim: 4, tie_weights: false, from: t}\noutputs: [tied, untied]\n',
    );
    assert.equal(layer(spec, 'tied').params, 40);
    assert.equal(layer(spec, 'untied').params, 80);
    // embedding(tokens), then embedding(hidden, reverse=True): (None, 5, 4) back to the vocabulary, (None, 5, 10).
    const json = keras3Model(
      [{ name: 'tokens', shape: [5], dtype: 'int32' }],
      [
        { class_name: 'ReversibleEmbedding', config: { name: 'embedding', input_dim: 10, output_dim: 4 }, from: ['tokens'] },
        { class_name: 'ReversibleEmbedding', config: null, name: 'embedding', from: ['embedding'], kwargs: { reverse: true } },
      ],
      [['embedding', 1]],
    );
    const summary = await summaryOf(JSON.stringify(json), 'json');
    assert.deepEqual(layer(summary, 'embedding').outputShape, [null, 5, 10]);
    assert.equal(summary.totals.params, 40);
  });
});

describe('attention layers', () => {
  it('GroupQueryAttention is printed and named as Keras prints it: GroupedQueryAttention, grouped_query_attention', async () => {
    const summary = await summaryOf(
      'inputs:\n  - {name: q, shape: [3, 8]}\n  - {name: v, shape: [5, 8]}\nlayers:\n  - {type: GroupQueryAttention, from: [q, v], head_dim: 4, num_query_heads: 4, num_key_value_heads: 2}\n',
    );
    const row = layer(summary, 'grouped_query_attention');
    assert.equal(row.type, 'GroupedQueryAttention');
    assert.deepEqual(row.outputShape, [null, 3, 8]);
    // query 8 × 4 × 4 + 4 × 4; key and value 8 × 2 × 4 + 2 × 4 each; output 4 × 4 × 8 + 8.
    assert.equal(row.params, 144 + 72 + 72 + 136);
  });

  it('MultiHeadAttention with use_gate: a sigmoid gate projection like the value\'s, from the query', async () => {
    const summary = await summaryOf(
      'inputs:\n  - {name: q, shape: [3, 8]}\n  - {name: v, shape: [5, 8]}\nlayers:\n  - {type: MultiHeadAttention, from: [q, v], num_heads: 2, key_dim: 4, use_gate: true}\n',
    );
    // query, key, value, gate: 8 × 2 × 4 + 2 × 4 = 72 each; output 2 × 4 × 8 + 8 = 72.
    assert.equal(layer(summary, 'multi_head_attention').params, 5 * 72);
  });

  it('value and key that differ but in their last dimension are Keras\'s error', async () => {
    const { stderr } = await refusal(
      'inputs:\n  - {name: q, shape: [3, 8]}\n  - {name: v, shape: [5, 8]}\n  - {name: k, shape: [6, 8]}\nlayers:\n  - {type: MultiHeadAttention, from: [q, v, k], num_heads: 2, key_dim: 4}\n',
    );
    assert.match(stderr, /All dimensions of `value` and `key`, except the last one, must be equal\. Received: value_shape=\(None, 5, 8\) and key_shape=\(None, 6, 8\)/);
  });

  it('return_attention_scores in a Keras 3 file: a second output, of the shape Keras\'s compute_output_spec gives', async () => {
    const json = keras3Model(
      [
        { name: 'q', shape: [3, 8] },
        { name: 'v', shape: [5, 8] },
      ],
      [
        { class_name: 'MultiHeadAttention', config: { name: 'mha', num_heads: 2, key_dim: 4 }, from: ['q', 'v'], kwargs: { return_attention_scores: true } },
        { class_name: 'GroupQueryAttention', config: { name: 'gqa', head_dim: 4, num_query_heads: 4, num_key_value_heads: 2 }, from: ['q', 'v'], kwargs: { return_attention_scores: true } },
        { class_name: 'Attention', config: { name: 'dot' }, from: ['q', 'v'], kwargs: { return_attention_scores: true } },
      ],
      ['mha', 'gqa', 'dot'],
    );
    const summary = await summaryOf(JSON.stringify(json), 'json');
    // MultiHeadAttention's scores are (batch, heads, query length, query length) in Keras's spec, whatever the key's length.
    assert.deepEqual(layer(summary, 'mha').outputShape, [[null, 3, 8], [null, 2, 3, 3]]);
    // GroupQueryAttention's are (batch, query heads, query length, key length); Attention's (batch, query steps, key steps).
    assert.deepEqual(layer(summary, 'gqa').outputShape, [[null, 3, 8], [null, 4, 3, 5]]);
    assert.deepEqual(layer(summary, 'dot').outputShape, [[null, 3, 8], [null, 3, 5]]);
  });

  it('Attention\'s score_mode is "dot" or "concat", as Keras checks', async () => {
    const { stderr } = await refusal('inputs:\n  - {name: q, shape: [3, 4]}\n  - {name: v, shape: [5, 4]}\nlayers:\n  - {type: Attention, from: [q, v], score_mode: cosine}\n');
    assert.match(stderr, /Invalid value for argument score_mode\. Expected one of \{'dot', 'concat'\}\. Received: score_mode=cosine/);
  });
});

describe('normalization layers', () => {
  it('renorm, rms_scaling, RMSNormalization, groups=-1, Normalization(axis=None) and SpectralNormalization count as Keras does', async () => {
    const summary = await summaryOf(
      [
        'inputs: [{name: x, shape: [5, 8]}]',
        'layers:',
        '  - {type: BatchNormalization, name: renorm, renorm: true, from: x}',
        '  - {type: LayerNormalization, name: rms, rms_scaling: true, from: x}',
        '  - {type: RMSNormalization, name: rms_norm, axis: [1, 2], from: x}',
        '  - {type: GroupNormalization, name: instance, groups: -1, from: x}',
        '  - {type: Normalization, name: whole, axis: null, from: x}',
        '  - {type: SpectralNormalization, name: spectral, layer: {type: Dense, units: 4}, from: x}',
        'outputs: [renorm, rms, rms_norm, instance, whole, spectral]',
      ].join('\n'),
    );
    // gamma, beta; moving mean and variance; moving_stddev, renorm_mean, renorm_stddev: 8 each.
    assert.deepEqual(counts(layer(summary, 'renorm')), [7 * 8, 16, 5 * 8]);
    // rms_scaling keeps gamma and drops beta.
    assert.deepEqual(counts(layer(summary, 'rms')), [8, 8, 0]);
    // a scale over axes 1 and 2: (5, 8).
    assert.equal(layer(summary, 'rms_norm').params, 40);
    // a group per channel: gamma and beta of 8.
    assert.equal(layer(summary, 'instance').params, 16);
    // one mean, one variance and the count: three scalars.
    assert.deepEqual(counts(layer(summary, 'whole')), [3, 0, 3]);
    // the Dense's (8, 4) kernel and bias, and a non-trainable vector_u of (1, 4).
    assert.deepEqual(counts(layer(summary, 'spectral')), [36 + 4, 36, 4]);
    assert.deepEqual(layer(summary, 'spectral').outputShape, [null, 5, 4]);
  });

  it('Normalization with a mean and no variance, and GroupNormalization of channels the groups do not divide: Keras\'s errors', async () => {
    const mean = await refusal('inputs: [{shape: [5]}]\nlayers:\n  - {type: Normalization, mean: 0.5}\n');
    assert.match(mean.stderr, /When setting values directly, both `mean` and `variance` must be set\. Received: mean=0\.5 and variance=None/);
    const groups = await refusal('inputs: [{shape: [8, 8, 16]}]\nlayers:\n  - {type: GroupNormalization, groups: 5}\n');
    assert.match(groups.stderr, /Number of groups \(5\) must be a multiple of the number of channels \(16\)\./);
  });
});

describe('activation and merge layers', () => {
  it('LeakyReLU takes Keras 2\'s alpha and refuses a negative slope; ELU takes any alpha; ReLU refuses a negative max_value', async () => {
    const summary = await summaryOf('inputs: [{shape: [5, 3]}]\nlayers:\n  - {type: LeakyReLU, alpha: 0.1}\n  - {type: ELU, alpha: 0.5}\n');
    assert.deepEqual(summary.layers.map((row) => row.type), ['InputLayer', 'LeakyReLU', 'ELU']);
    const { path, stderr } = await refusal('inputs: [{shape: [5, 3]}]\nlayers:\n  - {type: LeakyReLU, negative_slope: -1}\n');
    assert.ok(stderr.startsWith(`${path}:3:`), stderr);
    assert.match(stderr, /The negative_slope value of a Leaky ReLU layer cannot be None or negative value\. Expected a float\. Received: negative_slope=-1/);
    const relu = await refusal('inputs: [{shape: [5, 3]}]\nlayers:\n  - {type: ReLU, max_value: -1.0}\n');
    assert.match(relu.stderr, /max_value of a ReLU layer cannot be a negative value/);
  });

  it('Keras 3\'s merges take one input (Add()([x]) is x); Subtract needs exactly two', async () => {
    const summary = await summaryOf('inputs: [{name: a, shape: [4, 5]}]\nlayers:\n  - {type: Add, from: [a]}\n  - {type: Concatenate, from: [add]}\n');
    assert.deepEqual(layer(summary, 'add').outputShape, [null, 4, 5]);
    assert.deepEqual(layer(summary, 'concatenate').outputShape, [null, 4, 5]);
    const { stderr } = await refusal('inputs: [{name: a, shape: [4, 5]}]\nlayers:\n  - {type: Subtract, from: [a]}\n');
    assert.match(stderr, /layer "subtract" \(Subtract\)/);
  });

  it('Identity and ActivityRegularization keep their input; no weights', async () => {
    const summary = await summaryOf('inputs: [{shape: [5, 3]}]\nlayers:\n  - {type: Identity}\n  - {type: ActivityRegularization, l1: 0.01}\n');
    assert.deepEqual(summary.layers.slice(1).map((row) => [row.outputShape, row.params]), [[[null, 5, 3], 0], [[null, 5, 3], 0]]);
  });
});

describe('keras.applications\' own layer classes', () => {
  it('LayerScale (ConvNeXt) has projection_dim trainable weights; CustomScaleLayer (InceptionResNetV2) adds its two inputs', async () => {
    const json = keras3Model(
      [
        { name: 'x', shape: [7, 7, 96] },
        { name: 'r', shape: [7, 7, 96] },
      ],
      [
        { class_name: 'LayerScale', module: 'keras.src.applications.convnext', config: { name: 'layer_scale', init_values: 1e-6, projection_dim: 96 }, from: ['x'] },
        { class_name: 'CustomScaleLayer', module: 'keras.src.applications.inception_resnet_v2', config: { name: 'custom_scale_layer', scale: 0.17 }, from: ['layer_scale', 'r'] },
      ],
      ['custom_scale_layer'],
    );
    const summary = await summaryOf(JSON.stringify(json), 'json');
    assert.deepEqual(counts(layer(summary, 'layer_scale')), [96, 96, 0]);
    assert.deepEqual(layer(summary, 'custom_scale_layer').outputShape, [null, 7, 7, 96]);
    assert.equal(layer(summary, 'custom_scale_layer').params, 0);
  });

  it('InceptionResNetV2 as Keras 3.15 writes it (to_json) summarises to Keras\'s totals with no flag', () => {
    const dir = join(ROOT, 'test', 'applications');
    const golden = JSON.parse(brotliDecompressSync(readFileSync(join(dir, 'InceptionResNetV2.golden.json.br'))).toString('utf8'));
    const path = writeTemp('inception_resnet_v2.json', brotliDecompressSync(readFileSync(join(dir, 'InceptionResNetV2.json.br'))));
    const summary = analyzeFile(path, { merges: false });
    assert.deepEqual([summary.totals.params, summary.totals.trainable, summary.totals.nonTrainable], [golden.totals.params, golden.totals.trainable, golden.totals.nonTrainable]);
    assert.equal(summary.layers.filter((row) => row.type === 'CustomScaleLayer').length, 40);
  });
});

interface TestLayer {
  class_name: string;
  module?: string;
  config: Record<string, unknown> | null;
  /** For another call of a layer defined above: its name. */
  name?: string;
  from: string[];
  kwargs?: Record<string, unknown>;
}

/**
 * A Keras 3 functional model's to_json() form: InputLayers, then each
 * layer's call on the named layers' first outputs (a layer written twice is
 * called twice: one entry, two inbound nodes).
 */
function keras3Model(inputs: { name: string; shape: number[]; dtype?: string }[], layers: TestLayer[], outputs: (string | [string, number])[]): object {
  const entries: Record<string, unknown>[] = inputs.map((input) => ({
    module: 'keras.layers',
    class_name: 'InputLayer',
    config: { batch_shape: [null, ...input.shape], dtype: input.dtype ?? 'float32', sparse: false, name: input.name },
    registered_name: null,
    name: input.name,
    inbound_nodes: [],
  }));
  const tensor = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: null, dtype: 'float32', keras_history: [name, 0, 0] } });
  for (const item of layers) {
    const call = { args: item.from.length === 1 ? [tensor(item.from[0])] : [item.from.map(tensor)], kwargs: item.kwargs ?? {} };
    const existing = item.name ? entries.find((entry) => entry.name === item.name) : undefined;
    if (existing) {
      (existing.inbound_nodes as unknown[]).push(call);
      continue;
    }
    const config = item.config as Record<string, unknown>;
    entries.push({ module: item.module ?? 'keras.layers', class_name: item.class_name, config, registered_name: null, name: config.name, inbound_nodes: [call] });
  }
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'test_model',
      trainable: true,
      layers: entries,
      input_layers: inputs.map((input) => [input.name, 0, 0]),
      output_layers: outputs.map((output) => (typeof output === 'string' ? [output, 0, 0] : [output[0], output[1], 0])),
    },
    registered_name: 'Functional',
  };
}
