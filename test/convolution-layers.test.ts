import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useKernelBackend } from '../src/model/kernels.js';
import { layerClasses } from '../src/model/layer-factory.js';
import { useShapeOnlyBackend } from '../src/model/shape-only-backend.js';
import { tfc, type LayerConstructor, type Tensor } from '../src/model/tfjs.js';
import { ROOT, runCli, writeTemp } from './helpers.js';

/**
 * The convolution, pooling, padding and reshaping layers as Keras 3 builds
 * them, where tfjs's rules differ or tfjs lacks the class: a spec of one
 * layer through the CLI, its --json row against a hand computation (the
 * weights Keras creates are the parameter count), and Keras's refusals,
 * located and in Keras's words. test/conformance/ checks the same classes
 * against Keras's own answers, case by case.
 */

interface Row {
  name: string;
  outputShape: (number | null)[];
  params: number;
  macs: number | null;
}

async function oneLayer(input: string, layer: string): Promise<Row> {
  const path = writeTemp('layer.yaml', `inputs:\n  - {shape: ${input}}\nlayers:\n  - ${layer}\n`);
  const result = await runCli([path, '--json']);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout).layers[1] as Row;
}

async function refusal(input: string, layer: string): Promise<string> {
  const path = writeTemp('refused.yaml', `inputs:\n  - {shape: ${input}}\nlayers:\n  - ${layer}\n`);
  const result = await runCli([path]);
  assert.equal(result.status, 2, result.stdout);
  assert.ok(result.stderr.startsWith(`${path}:4:`), result.stderr);
  assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
  return result.stderr;
}

describe('convolutions as Keras builds them', () => {
  it('a grouped Conv2D: each of the 4 groups sees 16 / 4 channels', async () => {
    const row = await oneLayer('[8, 8, 16]', '{type: Conv2D, filters: 32, kernel_size: 3, groups: 4, padding: same}');
    assert.deepEqual(row.outputShape, [null, 8, 8, 32]);
    // kernel (3, 3, 16 / 4, 32) and bias (32): 3·3·4·32 + 32.
    assert.equal(row.params, 3 * 3 * 4 * 32 + 32);
    // 8·8 positions, each 3·3·4 inputs for each of 32 filters.
    assert.equal(row.macs, 8 * 8 * (3 * 3 * 4 * 32));
  });

  it('a causal Conv1D keeps its length, dilated or not; with strides it takes every other step', async () => {
    const dilated = await oneLayer('[10, 4]', '{type: Conv1D, filters: 8, kernel_size: 3, padding: causal, dilation_rate: 2}');
    // Padded on the left by 2 · (3 - 1) steps: 10 steps out.
    assert.deepEqual(dilated.outputShape, [null, 10, 8]);
    assert.equal(dilated.params, 3 * 4 * 8 + 8);
    assert.equal(dilated.macs, 10 * (3 * 4 * 8));
    const strided = await oneLayer('[10, 4]', '{type: Conv1D, filters: 8, kernel_size: 3, padding: causal, strides: 2}');
    // floor((10 - 1) / 2) + 1.
    assert.deepEqual(strided.outputShape, [null, 5, 8]);
  });

  it('a DepthwiseConv1D: a (3, 4, 2) kernel and 4 · 2 biases', async () => {
    const row = await oneLayer('[10, 4]', '{type: DepthwiseConv1D, kernel_size: 3, depth_multiplier: 2}');
    assert.deepEqual(row.outputShape, [null, 8, 8]);
    assert.equal(row.params, 3 * 4 * 2 + 4 * 2);
    assert.equal(row.macs, 8 * (3 * 4 * 2));
  });

  it('a SeparableConv1D: depthwise (3, 4, 2), pointwise (1, 8, 8) and 8 biases', async () => {
    const row = await oneLayer('[10, 4]', '{type: SeparableConv1D, filters: 8, kernel_size: 3, depth_multiplier: 2}');
    assert.deepEqual(row.outputShape, [null, 8, 8]);
    assert.equal(row.params, 3 * 4 * 2 + 1 * 8 * 8 + 8);
    // The depthwise and the pointwise products at each of the 8 positions.
    assert.equal(row.macs, 8 * (3 * 4 * 2) + 8 * (8 * 8));
  });

  it('a SeparableConv2D with depth_multiplier 2, which tfjs honours but kept out of its config', async () => {
    const row = await oneLayer('[8, 8, 3]', '{type: SeparableConv2D, filters: 4, kernel_size: 3, depth_multiplier: 2}');
    assert.deepEqual(row.outputShape, [null, 6, 6, 4]);
    assert.equal(row.params, 3 * 3 * 3 * 2 + 1 * 1 * 6 * 4 + 4);
  });

  it('a Conv2DTranspose with output_padding: (5 - 1) · 2 + 3 + 1 = 12', async () => {
    const row = await oneLayer('[5, 5, 3]', '{type: Conv2DTranspose, filters: 4, kernel_size: 3, strides: 2, output_padding: 1}');
    assert.deepEqual(row.outputShape, [null, 12, 12, 4]);
    // kernel (3, 3, 4, 3) and bias (4).
    assert.equal(row.params, 3 * 3 * 4 * 3 + 4);
    // Every one of the 5 · 5 input positions times the whole kernel.
    assert.equal(row.macs, 5 * 5 * (3 * 3 * 4 * 3));
  });

  it('a dilated Conv3DTranspose: the kernel spans (3 - 1) · 2 + 1 = 5, so 4 - 1 + 5 = 8', async () => {
    const row = await oneLayer('[4, 4, 4, 2]', '{type: Conv3DTranspose, filters: 4, kernel_size: 3, dilation_rate: 2}');
    assert.deepEqual(row.outputShape, [null, 8, 8, 8, 4]);
  });

  it('a dilated DepthwiseConv2D, whose dilation tfjs ignores: 8 - 2 · (3 - 1) = 4', async () => {
    const row = await oneLayer('[8, 8, 3]', '{type: DepthwiseConv2D, kernel_size: 3, dilation_rate: 2}');
    assert.deepEqual(row.outputShape, [null, 4, 4, 3]);
    assert.equal(row.params, 3 * 3 * 3 + 3);
    assert.equal(row.macs, 4 * 4 * (3 * 3 * 3));
  });

  it('padding "SAME" is "same", as Keras lowercases it', async () => {
    const row = await oneLayer('[8, 8, 3]', '{type: Conv2D, filters: 4, kernel_size: 3, padding: SAME}');
    assert.deepEqual(row.outputShape, [null, 8, 8, 4]);
  });

  it('Keras\'s refusals, in its words', async () => {
    assert.match(await refusal('[8, 8, 3]', '{type: Conv2D, filters: 4, kernel_size: 3, padding: causal}'), /\(Conv2D\): The `padding` argument must be a list\/tuple or one of \{'same', 'valid'\}\. Received: causal/);
    assert.match(
      await refusal('[10, 4]', '{type: Conv1D, filters: 8, kernel_size: 3, strides: 2, dilation_rate: 2}'),
      /\(Conv1D\): `strides > 1` not supported in conjunction with `dilation_rate > 1`\. Received: strides=\(2,\) and dilation_rate=\(2,\)/,
    );
    assert.match(
      await refusal('[5, 5, 3]', '{type: Conv2DTranspose, filters: 4, kernel_size: 3, strides: 2, output_padding: 2}'),
      /`output_padding` must be strictly less than `strides` for all dimensions\. At dimension 0, `output_padding` is 2 but `strides` is 2\./,
    );
    assert.match(
      await refusal('[8, 8, 15]', '{type: Conv2D, filters: 8, kernel_size: 3, groups: 4}'),
      /The number of input channels must be evenly divisible by the number of groups\. Received groups=4, but the input has 15 channels \(full input shape is \(None, 8, 8, 15\)\)\./,
    );
    assert.match(
      await refusal('[8, 8, 16]', '{type: Conv1D, filters: 2, kernel_size: 3}'),
      /Kernel shape must have the same length as input, but received kernel of shape \(3, 16, 2\) and input of shape \(None, 8, 8, 16\)\./,
    );
  });
});

describe('pooling as Keras builds it', () => {
  it('1-D pooling and global pooling of channels-first data', async () => {
    // (batch, 4 channels, 10 steps): the steps are pooled.
    assert.deepEqual((await oneLayer('[4, 10]', '{type: MaxPooling1D, pool_size: 2, data_format: channels_first}')).outputShape, [null, 4, 5]);
    const global = await oneLayer('[4, 10]', '{type: GlobalAveragePooling1D, data_format: channels_first, keepdims: true}');
    assert.deepEqual(global.outputShape, [null, 4, 1]);
    // One add per input element.
    assert.equal(global.macs, 4 * 10);
    assert.deepEqual((await oneLayer('[3, 8, 8]', '{type: GlobalMaxPooling2D, data_format: channels_first, keepdims: true}')).outputShape, [null, 3, 1, 1]);
  });

  it('adaptive pooling: the spatial axes become output_size', async () => {
    const row = await oneLayer('[12, 12, 3]', '{type: AdaptiveAveragePooling2D, output_size: [4, 2]}');
    assert.deepEqual(row.outputShape, [null, 4, 2, 3]);
    assert.equal(row.macs, 12 * 12 * 3);
    assert.deepEqual((await oneLayer('[2, 6, 6, 6]', '{type: AdaptiveMaxPooling3D, output_size: 3, data_format: channels_first}')).outputShape, [null, 2, 3, 3, 3]);
  });

  it('"causal" pooling, refused as Keras refuses it', async () => {
    assert.match(await refusal('[8, 8, 3]', '{type: MaxPooling2D, pool_size: 2, padding: causal}'), /\(MaxPooling2D\): Argument `padding` must be either 'valid' or 'same'\. Received: padding=causal/);
  });
});

describe('padding, cropping, upsampling and reshaping as Keras builds them', () => {
  it('an unknown dimension stays unknown', async () => {
    assert.deepEqual((await oneLayer('[null, 8, 3]', '{type: Cropping2D, cropping: 2}')).outputShape, [null, null, 4, 3]);
    assert.deepEqual((await oneLayer('[null, 8, 4]', '{type: UpSampling2D, size: 2}')).outputShape, [null, null, 16, 4]);
    assert.deepEqual((await oneLayer('[4, null]', '{type: ZeroPadding1D, padding: [1, 2], data_format: channels_first}')).outputShape, [null, 4, null]);
  });

  it('an UpSampling2D interpolation tfjs has no kernel for changes no shape', async () => {
    assert.deepEqual((await oneLayer('[8, 8, 4]', '{type: UpSampling2D, size: 2, interpolation: lanczos3}')).outputShape, [null, 16, 16, 4]);
  });

  it('a Reshape infers its -1 when the size is known: 12 / 4 = 3', async () => {
    assert.deepEqual((await oneLayer('[12]', '{type: Reshape, target_shape: [-1, 4]}')).outputShape, [null, 3, 4]);
    assert.deepEqual((await oneLayer('[12]', '{type: Reshape, target_shape: [null, 3]}')).outputShape, [null, null, 3]);
    assert.match(await refusal('[12]', '{type: Reshape, target_shape: [5, 3]}'), /The total size of the tensor must be unchanged\. Received: input_shape=\(12,\), target_shape=\(5, 3\)/);
  });

  it('cropping larger than the input, and a cropping of three entries, refused in Keras\'s words', async () => {
    assert.match(
      await refusal('[8, 8, 3]', '{type: Cropping2D, cropping: 4}'),
      /Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input\. Received: input_shape=\(None, 8, 8, 3\), cropping=\(\(4, 4\), \(4, 4\)\)/,
    );
    assert.match(await refusal('[8, 8, 3]', '{type: Cropping2D, cropping: [1, 2, 3]}'), /`cropping` should have two elements\. Received: cropping=\[1, 2, 3\]\./);
  });

  it('a Permute that is no permutation of 1, 2, ...', async () => {
    assert.match(await refusal('[2, 3, 4]', '{type: Permute, dims: [0, 1, 2]}'), /The set of indices in `dims` must be consecutive and start from 1\. Received dims=\[0, 1, 2\]/);
  });
});

describe('Keras\'s other names for a class, in a Keras file as in a spec', () => {
  it('a to_json() whose layers are named Convolution2D and MaxPool2D: Keras\'s model_from_json builds it, and prints the classes', async () => {
    const cases = (file: string) => JSON.parse(readFileSync(join(ROOT, 'test', 'conformance', file), 'utf8')).cases as { id: string; kerasJson: { config: { layers: { class_name: string }[] } }; expected: { layers: { name: string; type: string; outputShape: unknown; params: number }[] } }[];
    for (const [file, id, alias] of [
      ['Conv2D.json', 'Convolution2D(filters=4, kernel_size=3) on (8, 8, 3)', 'Convolution2D'],
      ['MaxPooling2D.json', 'MaxPool2D() on (8, 8, 3)', 'MaxPool2D'],
    ]) {
      const found = cases(file).find((c) => c.id === id);
      assert.ok(found, id);
      const model = structuredClone(found.kerasJson);
      model.config.layers[1].class_name = alias;
      const result = await runCli([writeTemp('alias.json', JSON.stringify(model)), '--json']);
      assert.equal(result.status, 0, result.stderr);
      const rows = JSON.parse(result.stdout).layers.map((row: Row & { type: string }) => ({ name: row.name, type: row.type, outputShape: row.outputShape, params: row.params }));
      assert.deepEqual(rows, found.expected.layers.map(({ name, type, outputShape, params }) => ({ name, type, outputShape, params })));
    }
  });
});

describe('profile, which runs the model, and configurations tfjs cannot compute', () => {
  it('refuses a grouped convolution by name rather than compute another one', async () => {
    const path = writeTemp('grouped.yaml', 'inputs:\n  - {shape: [4, 4, 4]}\nlayers:\n  - {type: Conv2D, filters: 4, kernel_size: 1, groups: 2}\n');
    const result = await runCli(['profile', path, '--runs', '1', '--warmup', '0'], { env: { MERGE_SUMMARY_BACKEND: 'cpu' } });
    assert.equal(result.status, 2, result.stdout);
    assert.match(result.stderr, /profile cannot run layer "conv2d" \(Conv2D\): TensorFlow\.js has no kernel for groups=2/);
    assert.doesNotMatch(result.stderr, /internal error/);
  });

  it('still computes what tfjs computes: channels-first 1-D pooling, keepdims, a Reshape with an unknown dimension', async () => {
    await useKernelBackend({ MERGE_SUMMARY_BACKEND: 'cpu' });
    try {
      const run = (className: string, config: object, input: Tensor) => {
        const Layer = layerClasses().get(className) as LayerConstructor;
        return tfc.tidy(() => (new Layer(config).apply(input) as Tensor).arraySync());
      };
      // (batch 1, 2 channels, 4 steps): the maximum of each pair of steps, channel by channel.
      assert.deepEqual(run('MaxPooling1D', { poolSize: 2, dataFormat: 'channelsFirst' }, tfc.tensor3d([[[1, 2, 3, 4], [5, 6, 7, 8]]])), [[[2, 4], [6, 8]]]);
      // (batch 1, 2 steps, 2 channels): the mean over the steps, kept as an axis of 1.
      assert.deepEqual(run('GlobalAveragePooling1D', { keepdims: true }, tfc.tensor3d([[[1, 2], [3, 4]]])), [[[2, 3]]]);
      // (batch 1, 2 channels, 2 steps): the mean over the steps.
      assert.deepEqual(run('GlobalAveragePooling1D', { dataFormat: 'channelsFirst' }, tfc.tensor3d([[[1, 2], [3, 4]]])), [[1.5, 3.5]]);
      assert.deepEqual(run('Reshape', { targetShape: [null, 3] }, tfc.tensor2d([[1, 2, 3, 4, 5, 6]])), [[[1, 2, 3], [4, 5, 6]]]);
    } finally {
      useShapeOnlyBackend();
    }
  });
});
