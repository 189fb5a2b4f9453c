import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ModelSummary } from '../src/analysis/types.js';
import { ROOT, runCli, writeTemp } from './helpers.js';

/**
 * Keras's preprocessing and augmentation layers as a user meets them: a spec
 * run through the CLI, its numbers against a hand computation from Keras's
 * rules (keras/src/layers/preprocessing/, Keras 3.15.1), and Keras's
 * refusals, located and in Keras's words. The conformance suite
 * (test/conformance/) holds Keras's own answers for each class.
 */

async function summary(name: string, spec: string, ...flags: string[]): Promise<ModelSummary> {
  const result = await runCli([writeTemp(name, spec), '--json', ...flags]);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as ModelSummary;
}

function row(doc: ModelSummary, name: string) {
  const found = doc.layers.find((layer) => layer.name === name);
  assert.ok(found, `no row ${name}`);
  return found;
}

async function refusal(name: string, spec: string): Promise<string> {
  const path = writeTemp(name, spec);
  const result = await runCli([path]);
  assert.equal(result.status, 2, result.stdout);
  assert.equal(result.stdout, '');
  return result.stderr.replace(path, name);
}

describe('the vocabulary layers: the output width is the vocabulary Keras counts', () => {
  it('StringLookup multi_hot: 4 tokens + 1 OOV index; the mask token has no column outside "int" mode', async () => {
    const doc = await summary(
      'lookup.yaml',
      `inputs:
  - {shape: [3], dtype: string}
layers:
  - {type: StringLookup, name: plain, vocabulary: [a, b, c, d], output_mode: multi_hot}
  - {type: StringLookup, name: masked, vocabulary: [a, b, c, d], mask_token: "[MASK]", num_oov_indices: 2, output_mode: count, from: input_layer}
  - {type: StringLookup, name: padded, max_tokens: 10, pad_to_max_tokens: true, output_mode: multi_hot, from: input_layer}
  - {type: StringLookup, name: indices, vocabulary: [a, b, c, d], from: input_layer}
outputs: [plain, masked, padded, indices]
`,
    );
    assert.deepEqual(row(doc, 'plain').outputShape, [null, 4 + 1]);
    assert.deepEqual(row(doc, 'masked').outputShape, [null, 4 + 2]);
    assert.deepEqual(row(doc, 'padded').outputShape, [null, 10]);
    assert.deepEqual(row(doc, 'indices').outputShape, [null, 3]);
    assert.equal(doc.totals.params, 0);
  });

  it('tokens are data: "a_b" and "aB" are two tokens, where a configuration name would be camelCased into one', async () => {
    const doc = await summary(
      'tokens.yaml',
      `inputs:
  - {shape: [1], dtype: string}
layers:
  - {type: StringLookup, vocabulary: [a_b, aB], output_mode: one_hot}
`,
    );
    // one_hot of a last axis of 1 replaces it: 2 tokens + 1 OOV.
    assert.deepEqual(row(doc, 'string_lookup').outputShape, [null, 3]);
  });

  it('IntegerLookup takes the special tokens at the head of a vocabulary as such; the mask token elsewhere is Keras\'s error', async () => {
    const doc = await summary(
      'integers.yaml',
      `inputs:
  - {shape: [3], dtype: int32}
layers:
  - {type: IntegerLookup, vocabulary: [-1, 7, 8, 9], mask_token: 0, output_mode: multi_hot}
`,
    );
    // Not "int" mode: the mask has no index, and the vocabulary's head [-1] is the OOV token: 1 + 3 tokens.
    assert.deepEqual(row(doc, 'integer_lookup').outputShape, [null, 1 + 3]);
    const message = await refusal('mask.yaml', 'inputs:\n  - {shape: [3], dtype: int32}\nlayers:\n  - {type: IntegerLookup, vocabulary: [0, -1, 7], mask_token: 0, output_mode: multi_hot}\n');
    assert.match(message, /^mask\.yaml:4:5: layer "integer_lookup" \(IntegerLookup\): Found reserved mask token at unexpected location in `vocabulary`\..* in precisely this order: \[-1\]\. Received: mask_token=0 at vocabulary index \[0\]/);
  });

  it('TextVectorization: (batch, output_sequence_length) in "int" mode; in the others, a split axis of None then the vocabulary', async () => {
    const doc = await summary(
      'text.yaml',
      `inputs:
  - {shape: [1], dtype: string}
layers:
  - {type: TextVectorization, name: ids, vocabulary: [the, cat, sat], output_sequence_length: 12}
  - {type: TextVectorization, name: bag, vocabulary: [the, cat, sat], output_mode: count, from: input_layer}
  - {type: TextVectorization, name: unsplit, vocabulary: [the, cat, sat], output_mode: multi_hot, split: null, from: input_layer}
outputs: [ids, bag, unsplit]
`,
    );
    assert.deepEqual(row(doc, 'ids').outputShape, [null, 12]);
    // The mask token "" has no column outside "int" mode: 3 tokens + 1 OOV.
    assert.deepEqual(row(doc, 'bag').outputShape, [null, 1, 4]);
    assert.deepEqual(row(doc, 'unsplit').outputShape, [null, 4]);
  });

  it('Hashing, HashedCrossing, CategoryEncoding and Discretization', async () => {
    const doc = await summary(
      'encodings.yaml',
      `inputs:
  - {name: words, shape: [3], dtype: string}
  - {name: ids, shape: [1], dtype: int32}
  - {name: values, shape: [2, 3]}
layers:
  - {type: Hashing, num_bins: 16, output_mode: count, from: words}
  - {type: HashedCrossing, num_bins: 7, output_mode: one_hot, from: [ids, ids]}
  - {type: CategoryEncoding, num_tokens: 6, output_mode: one_hot, from: words}
  - {type: Discretization, bin_boundaries: [0.0, 1.0, 2.0], output_mode: multi_hot, from: values}
outputs: [hashing, hashed_crossing, category_encoding, discretization]
`,
    );
    assert.deepEqual(row(doc, 'hashing').outputShape, [null, 16]);
    assert.deepEqual(row(doc, 'hashed_crossing').outputShape, [null, 7]);
    // one_hot appends an axis of num_tokens to a last axis other than 1.
    assert.deepEqual(row(doc, 'category_encoding').outputShape, [null, 3, 6]);
    // Keras's Discretization multi_hot drops axis 1 and appends 3 boundaries + 1 bins: (None, 2, 3) → (None, 3, 4).
    assert.deepEqual(row(doc, 'discretization').outputShape, [null, 3, 4]);
  });
});

describe('the audio layers', () => {
  it('STFTSpectrogram: real and imaginary kernels of (frame, 1, fft/2 + 1), trainable; frames of a strided convolution', async () => {
    const doc = await summary(
      'stft.yaml',
      `inputs:
  - {shape: [1000, 1]}
layers:
  - {type: STFTSpectrogram, frame_length: 64, frame_step: 32}
`,
    );
    const stft = row(doc, 'stft_spectrogram');
    // fft_length defaults to 64 (the next power of two of the frame): 33 bins; (1000 - 64) // 32 + 1 = 30 frames.
    assert.deepEqual(stft.outputShape, [null, 30, 33]);
    assert.equal(stft.params, 2 * 64 * 1 * 33);
    assert.equal(stft.trainable, 2 * 64 * 33);
    // Each frame: a dot product of 64 samples with each of 33 real and 33 imaginary basis vectors.
    assert.equal(stft.macs, 30 * 2 * 64 * 33);
  });

  it('MelSpectrogram: (num_mel_bins, (samples + stride + 1) // stride), no weights', async () => {
    const doc = await summary('mel.yaml', 'inputs:\n  - {shape: [8000]}\nlayers:\n  - {type: MelSpectrogram, num_mel_bins: 40, sequence_stride: 160, fft_length: 400}\n');
    assert.deepEqual(row(doc, 'mel_spectrogram').outputShape, [null, 40, Math.floor((8000 + 160 + 1) / 160)]);
    assert.equal(doc.totals.params, 0);
  });
});

describe('augmentation layers keep their input in inference; RandomCrop crops', () => {
  it('a chain of them, channels first too', async () => {
    const doc = await summary(
      'augment.yaml',
      `inputs:
  - {shape: [3, 32, 32]}
layers:
  - {type: RandomFlip, data_format: channels_first}
  - {type: RandomRotation, factor: 0.2, data_format: channels_first}
  - {type: RandomZoom, height_factor: [-0.3, 0.1], data_format: channels_first}
  - {type: RandomGrayscale, data_format: channels_first}
  - {type: RandomCrop, height: 24, width: 20, data_format: channels_first}
  - {type: AugMix, data_format: channels_first}
`,
    );
    for (const name of ['random_flip', 'random_rotation', 'random_zoom', 'random_grayscale']) assert.deepEqual(row(doc, name).outputShape, [null, 3, 32, 32], name);
    assert.deepEqual(row(doc, 'random_crop').outputShape, [null, 3, 24, 20]);
    assert.deepEqual(row(doc, 'aug_mix').outputShape, [null, 3, 24, 20]);
    assert.equal(doc.totals.params, 0);
  });
});

describe('Pipeline: its layers in sequence, as one row', () => {
  const spec = (extra: string) => `inputs:
  - {shape: [8]}
layers:
  - type: Pipeline
${extra}    layers:
      - {type: Dense, units: 4}
      - {type: Dense, units: 2, use_bias: false}
`;

  it('the last layer\'s output, the weights of all, and the mult-adds of all', async () => {
    const doc = await summary('pipeline.yaml', spec(''));
    const pipeline = row(doc, 'pipeline');
    assert.equal(pipeline.type, 'Pipeline');
    assert.deepEqual(pipeline.outputShape, [null, 2]);
    assert.equal(pipeline.params, 8 * 4 + 4 + 4 * 2);
    assert.equal(pipeline.macs, 8 * 4 + 4 * 2);
  });

  it('frozen, its layers\' weights are all non-trainable', async () => {
    const doc = await summary('frozen-pipeline.yaml', spec('    trainable: false\n'));
    assert.deepEqual([doc.totals.trainable, doc.totals.nonTrainable], [0, 8 * 4 + 4 + 4 * 2]);
  });

  it('a layer inside it is checked as any layer, at the pipeline\'s "layers"', async () => {
    const text = 'inputs:\n  - {shape: [8]}\nlayers:\n  - type: Pipeline\n    layers:\n      - {type: Dense, unit: 4}\n';
    assert.match(await refusal('bad-inner.yaml', text), /^bad-inner\.yaml:5:5: layer "dense" \(Dense\): unknown argument "unit"; did you mean "units"\?/);
    const notLayers = 'inputs:\n  - {shape: [8]}\nlayers:\n  - {type: Pipeline, layers: Dense}\n';
    assert.match(await refusal('not-layers.yaml', notLayers), /^not-layers\.yaml:4:22: layer "pipeline" \(Pipeline\): "layers" must be a non-empty list of layers/);
  });
});

describe('Pipeline in a Keras file', () => {
  /** Keras's own to_json() of Pipeline([Rescaling(0.5), Resizing(4, 4)]) on (8, 8, 3), from the conformance suite. */
  const kerasJson = () => JSON.parse(readFileSync(join(ROOT, 'test', 'conformance', 'Pipeline.json'), 'utf8')).cases[1].kerasJson;

  it('builds its layers from their configurations', async () => {
    const result = await runCli([writeTemp('pipeline.json', JSON.stringify(kerasJson())), '--json']);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(row(JSON.parse(result.stdout) as ModelSummary, 'pipeline').outputShape, [null, 4, 4, 3]);
  });

  it('a class inside it that no rule knows is refused, even with --allow-unknown: its row would be a guess', async () => {
    const json = kerasJson();
    json.config.layers[1].config.layers[1].class_name = 'MyResizing';
    const path = writeTemp('custom-pipeline.json', JSON.stringify(json));
    for (const flags of [[], ['--allow-unknown']]) {
      const result = await runCli([path, ...flags]);
      assert.equal(result.status, 2);
      assert.match(result.stderr, /custom-pipeline\.json:1:\d+: layer "pipeline" \(Pipeline\): layer 2 of the pipeline is of class MyResizing, which is neither a Keras layer tfjs has nor one merge-summary adds \(a custom layer\?\); --allow-unknown does not reach inside a Pipeline/);
    }
  });
});

describe('what Keras refuses, refused in its words', () => {
  const oneLayer = (input: string, layer: string) => `inputs:\n  - {shape: ${input}}\nlayers:\n  - ${layer}\n`;

  it('a factor out of its range', async () => {
    const message = await refusal('zoom.yaml', oneLayer('[8, 8, 3]', '{type: RandomZoom, height_factor: -1.0}'));
    assert.equal(message.trim(), 'zoom.yaml:4:5: layer "random_zoom" (RandomZoom): The `height_factor` and `width_factor` arguments should be a number (or a list of two numbers) in the range (-1.0, 1.0]. Received: input_number=-1');
  });

  it('an output_mode the layer does not have', async () => {
    const message = await refusal('encoding.yaml', oneLayer('[3]', '{type: CategoryEncoding, num_tokens: 5, output_mode: tf_idf}'));
    assert.equal(message.trim(), 'encoding.yaml:4:5: layer "category_encoding" (CategoryEncoding): Unknown arg for output_mode: tf_idf');
  });

  it('a vocabulary with a repeated token', async () => {
    const message = await refusal('repeated.yaml', oneLayer('[3]', '{type: StringLookup, vocabulary: [a, b, a]}'));
    assert.match(message, /^repeated\.yaml:4:5: layer "string_lookup" \(StringLookup\): The passed vocabulary has at least one repeated term\. Please uniquify your dataset\. The repeated terms are: \['a'\]/);
  });

  it('Discretization given both bin_boundaries and num_bins', async () => {
    const message = await refusal('bins.yaml', oneLayer('[3]', '{type: Discretization, bin_boundaries: [0.5], num_bins: 3}'));
    assert.match(message, /Both `num_bins` and `bin_boundaries` should not be set\. Received: `num_bins=3` and `bin_boundaries=\[0\.5\]`/);
  });

  it('Equalization, which Keras cannot put in a model (its output is its input tensor: a cycle)', async () => {
    const message = await refusal('equalization.yaml', oneLayer('[8, 8, 3]', '{type: Equalization}'));
    assert.match(message, /^equalization\.yaml:4:5: layer "equalization" \(Equalization\): Tensor <KerasTensor shape=\(None, 8, 8, 3\).*> from operation 'equalization' is part of a cycle\./);
    // Inside a Pipeline, Keras traces it anew: it builds, and keeps its input's shape.
    const doc = await summary('equalization-pipeline.yaml', oneLayer('[8, 8, 3]', '{type: Pipeline, layers: [{type: Equalization}]}'));
    assert.deepEqual(row(doc, 'pipeline').outputShape, [null, 8, 8, 3]);
  });

  it('an STFT longer than its input', async () => {
    const message = await refusal('short.yaml', oneLayer('[100, 1]', '{type: STFTSpectrogram}'));
    assert.match(message, /^short\.yaml:4:5: layer "stft_spectrogram" \(STFTSpectrogram\): Computed output size would be zero or negative\. Received `inputs shape=\(None, 100, 1\)`, `kernel shape=\(256, 1, 129\)`/);
  });
});
