import assert from 'node:assert/strict';
import fs, { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { ModelSummary } from '../src/analysis/types.js';
import { analyzeFile } from '../src/pipeline.js';
import { ROOT, countingBytesRead, h5wasmForTests, runCli, spawnCli, writeTemp, type H5wasm } from './helpers.js';

/** Files Keras 3.15 wrote (tools/keras-files.py): each model as .h5, to_json, .weights.h5; Keras's own totals. */
const FILES = join(ROOT, 'test', 'golden', 'keras-files');
const file = (name: string) => join(FILES, name);
const KERAS = JSON.parse(readFileSync(file('totals.json'), 'utf8')) as { models: Record<string, { params: number; trainable: number; nonTrainable: number }> };
const MODELS = Object.keys(KERAS.models);

let h5: H5wasm;

before(async () => {
  h5 = await h5wasmForTests();
});

/** What a summary says of each layer and in all: the part every kind of file must agree on. */
function essentials(summary: ModelSummary) {
  return {
    layers: summary.layers.map((l) => ({ name: l.name, type: l.type, outputShape: l.outputShape, params: l.params, trainable: l.trainable, nonTrainable: l.nonTrainable })),
    totals: { params: summary.totals.params, trainable: summary.totals.trainable, nonTrainable: summary.totals.nonTrainable },
  };
}

/** A scratch copy of an HDF5 file that a test may change with h5wasm. */
function scratchCopy(name: string, as: string): string {
  const path = writeTemp(as, '');
  copyFileSync(file(name), path);
  return path;
}

describe('Keras .h5 files give the same summary as their to_json() twins', () => {
  it('the fixtures cover the four models of tools/keras-files.py', () => assert.deepEqual(MODELS, ['merges', 'nested', 'frozen', 'recurrent']));

  for (const model of MODELS) {
    it(`${model}.h5: layers, shapes and totals as ${model}.json, totals as Keras counted them, weights matching`, async () => {
      const fromH5 = analyzeFile(file(`${model}.h5`));
      const fromJson = analyzeFile(file(`${model}.json`));
      assert.deepEqual(essentials(fromH5), essentials(fromJson));
      assert.deepEqual(essentials(fromH5).totals, KERAS.models[model]);
      assert.deepEqual(fromH5.warnings, [], 'every layer has the weights its model_weights/ group lists');
    });

    it(`${model}.json --weights ${model}.weights.h5 (Keras 3 save_weights): every layer's weights fit`, async () => {
      assert.deepEqual(analyzeFile(file(`${model}.json`), { weights: file(`${model}.weights.h5`) }).warnings, []);
    });
  }

  it('merge analysis of an .h5 file equals its twin\'s (Add and Concatenate swapped)', async () => {
    const fromH5 = analyzeFile(file('merges.h5'));
    const fromJson = analyzeFile(file('merges.json'));
    assert.deepEqual(fromH5.merges.map((m) => m.type), ['Add', 'Concatenate']);
    assert.deepEqual(fromH5.merges, fromJson.merges);
  });

  it('the .keras archive of the same model too', async () => {
    assert.deepEqual(essentials(analyzeFile(file('merges.keras'))), essentials(analyzeFile(file('merges.json'))));
  });

  it('an HDF5 file behind a 512-byte user block is found by its signature at offset 512', async () => {
    assert.notEqual(readFileSync(file('merges-userblock.h5')).subarray(0, 4).toString('latin1'), '\x89HDF');
    assert.equal(readFileSync(file('merges-userblock.h5')).subarray(512, 516).toString('latin1'), '\x89HDF');
    assert.deepEqual(essentials(analyzeFile(file('merges-userblock.h5'))), essentials(analyzeFile(file('merges.json'))));
  });

  it('the CLI reads .h5 files (the HDF5 library is loaded before the command runs)', async () => {
    const result = await runCli([file('nested.h5'), '--json']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).totals.params, KERAS.models.nested.params);
    const diff = await runCli(['diff', file('merges.h5'), file('merges.json'), '--exit-code']);
    assert.equal(diff.status, 0, diff.stdout + diff.stderr);
    const check = await runCli(['check', file('frozen.h5'), '--max-params', String(KERAS.models.frozen.params - 1)]);
    assert.equal(check.status, 1);
  });
});

describe('an .h5 file is read for its metadata, never its weights', () => {
  it('a model.save() .h5 with 16 MB of weights is summarised and its weights checked reading a few KB of it', () => {
    // Laid out as Keras 2's save_model_to_hdf5 lays it out: model_config at the root, each layer's
    // weights at model_weights/<layer>/<layer>/<weight>:0, named by the group's weight_names.
    const config = {
      class_name: 'Sequential',
      config: {
        name: 'wide',
        layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, 2048], dtype: 'float32', name: 'x' } },
          { class_name: 'Dense', config: { name: 'wide_dense', units: 2048, activation: 'linear', use_bias: true } },
        ],
      },
    };
    const path = writeTemp('wide.h5', '');
    const written = new h5.File(path, 'w');
    written.create_attribute('model_config', JSON.stringify(config));
    written.create_attribute('keras_version', '2.15.0');
    written.create_attribute('backend', 'tensorflow');
    const modelWeights = written.create_group('model_weights');
    modelWeights.create_attribute('layer_names', ['x', 'wide_dense']);
    modelWeights.create_group('x').create_attribute('weight_names', new Float64Array(0), [0], '<d');
    const layer = modelWeights.create_group('wide_dense');
    layer.create_attribute('weight_names', ['wide_dense/kernel:0', 'wide_dense/bias:0']);
    const weights = layer.create_group('wide_dense');
    weights.create_dataset({ name: 'kernel:0', data: new Float32Array(2048 * 2048), shape: [2048, 2048], dtype: '<f' });
    weights.create_dataset({ name: 'bias:0', data: new Float32Array(2048), shape: [2048], dtype: '<f' });
    written.close();
    const size = fs.statSync(path).size;
    assert.ok(size > 16 * 1024 * 1024, `the file holds the kernel's 2048 × 2048 float32 values (${size} bytes)`);
    const { result: summary, bytesRead } = countingBytesRead(() => analyzeFile(path));
    assert.equal(summary.totals.params, 2048 * 2048 + 2048);
    assert.deepEqual(summary.warnings, [], 'the weights were listed and match: the check ran on their shapes');
    assert.ok(bytesRead > 0 && bytesRead < 256 * 1024, `${bytesRead} bytes read of ${size}`);
  });
});

describe('weights checked against the model, layer by layer', () => {
  // Hand count of "dense" (GlobalAveragePooling2D of 4 + 2 channels, then 3 units): kernel 6 × 3, bias 3.
  const DENSE = 6 * 3 + 3;
  // tools/keras-files.py gave its kernel one more row: 7 × 3.
  const TAMPERED = 7 * 3 + 3;
  const expected = (source: string) =>
    `layer "dense" (Dense) counts ${DENSE} parameters but ${source} lists ${TAMPERED} for it: shapes (6, 3), (3,) here, `;

  it('a tampered .weights.h5 given with --weights: a warning naming the layer, both counts, both shapes; exit 0', async () => {
    const weights = file('merges-tampered.weights.h5');
    const result = await runCli([file('merges.json'), '--weights', weights]);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(result.stderr.includes(`warning: ${expected(weights)}(7, 3), (3,) in the file`), result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, 'only the tampered layer is named');
  });

  it('a tampered model_weights/ dataset in a whole-model .h5 warns the same way', async () => {
    const tampered = file('merges-tampered.h5');
    const warnings = analyzeFile(tampered).warnings.map((w) => w.message);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0].startsWith(expected(tampered)), warnings[0]);
    assert.match(warnings[0], /\(3,\), \(7, 3\) in the file/);
  });

  it('--weights against a spec written by hand with the same layer names', async () => {
    const spec = [
      'inputs: [{name: image, shape: [8, 8, 3]}]',
      'layers:',
      '  - {name: stem, type: Conv2D, filters: 4, kernel_size: 3, padding: same}',
      '  - {name: stem_bn, type: BatchNormalization}',
      '  - {name: stem_relu, type: ReLU}',
      '  - {name: left, type: Conv2D, filters: 4, kernel_size: 3, padding: same}',
      '  - {name: right, type: Conv2D, from: stem_relu, filters: 4, kernel_size: 1}',
      '  - {name: add, type: Add, from: [left, right]}',
      '  - {name: side, type: Conv2D, from: stem_relu, filters: 2, kernel_size: 1}',
      '  - {name: concatenate, type: Concatenate, from: [add, side]}',
      '  - {name: pool, type: GlobalAveragePooling2D}',
      '  - {name: dense, type: Dense, units: UNITS}',
    ].join('\n');
    const fits = writeTemp('merges-by-hand.yaml', spec.replace('UNITS', '3'));
    assert.deepEqual(analyzeFile(fits, { weights: file('merges.weights.h5') }).warnings, []);
    const wider = writeTemp('merges-wider.yaml', spec.replace('UNITS', '5'));
    const warnings = analyzeFile(wider, { weights: file('merges.weights.h5') }).warnings.map((w) => w.message);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^layer "dense" \(Dense\) counts 35 parameters but .*merges\.weights\.h5 lists 21 for it: shapes \(6, 5\), \(5,\) here, \(6, 3\), \(3,\) in the file/);
  });

  it('--weights with a TF.js weights manifest, its shapes taken from the Keras file', async () => {
    const weights = [
      ['stem/kernel', [3, 3, 3, 4]], ['stem/bias', [4]],
      ['stem_bn/gamma', [4]], ['stem_bn/beta', [4]], ['stem_bn/moving_mean', [4]], ['stem_bn/moving_variance', [4]],
      ['left/kernel', [3, 3, 4, 4]], ['left/bias', [4]],
      ['right/kernel', [1, 1, 4, 4]], ['right/bias', [4]],
      ['side/kernel', [1, 1, 4, 2]], ['side/bias', [2]],
      ['dense/kernel', [6, 3]], ['dense/bias', [3]],
    ].map(([name, shape]) => ({ name, shape, dtype: 'float32' }));
    const manifest = writeTemp('merges-manifest.json', JSON.stringify([{ paths: ['group1-shard1of1.bin'], weights }]));
    assert.deepEqual(analyzeFile(file('merges.json'), { weights: manifest }).warnings, []);
    const model = writeTemp('merges-model.json', JSON.stringify({ modelTopology: JSON.parse(readFileSync(file('merges.json'), 'utf8')), weightsManifest: [{ paths: [], weights: weights.slice(0, -1) }] }));
    const result = await runCli([file('merges.json'), '--weights', model]);
    assert.match(result.stderr, /warning: layer "dense" \(Dense\) counts 21 parameters but .*merges-model\.json lists 18 for it/);
  });

  it('a Keras 3 weights file from before layer names were recorded is matched by Keras\'s saved keys (dense, dense_1, functional, ...)', async () => {
    const path = scratchCopy('nested.weights.h5', 'nested-unnamed.weights.h5');
    const f = new h5.File(path, 'a');
    let removed = 0;
    const strip = (group: InstanceType<H5wasm['Group']>) => {
      for (const key of group.keys()) {
        const item = group.get(key);
        if (!(item instanceof h5.Group)) continue;
        if (key === 'vars' && 'name' in item.attrs) removed += item.delete_attribute('name') >= 0 ? 1 : 0;
        strip(item);
      }
    };
    strip(f);
    f.close();
    assert.ok(removed >= 6, `removed ${removed} name attributes`);
    assert.deepEqual(analyzeFile(file('nested.json'), { weights: path }).warnings, []);
  });

  it('weights of a layer the model does not have are named', async () => {
    const path = scratchCopy('merges.weights.h5', 'merges-extra.weights.h5');
    const f = new h5.File(path, 'a');
    const extra = f.create_group('layers/conv2d_9');
    extra.create_group('vars').create_dataset({ name: '0', data: new Float32Array(10), shape: [10], dtype: '<f' });
    f.close();
    const warnings = analyzeFile(file('merges.json'), { weights: path }).warnings.map((w) => w.message);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /merges-extra\.weights\.h5 lists a weight \(10 values\) that belong to no layer of the model: layers\/conv2d_9\/vars\/0 \(10,\)/);
  });
});

describe('files that are not a model are refused with what was found and what was expected (exit 2)', () => {
  const refused = async (args: string[], message: RegExp) => {
    const result = await runCli(args);
    assert.equal(result.status, 2, result.stdout + result.stderr);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /YAML syntax error|internal error|\n\s+at /);
    return result.stderr;
  };

  it('a Keras 3 weights file given alone says what it is and what to pass with it', async () => {
    const weights = file('merges.weights.h5');
    const stderr = await refused([weights], /this is a weights file \(Keras 3 save_weights: 14 weights, 327 values\) and holds no architecture; pass the architecture with it: merge-summary ARCH --weights /);
    assert.ok(stderr.startsWith(`${weights}: `));
  });

  it('a truncated HDF5 file: HDF5\'s reason, with the sizes', async () => {
    const truncated = writeTemp('truncated.h5', readFileSync(file('merges.h5')).subarray(0, 2000));
    await refused([truncated], new RegExp(`^${escape(truncated)}: an HDF5 file that cannot be read \\(truncated or damaged\\?\\): truncated file: eof = 2000, .*stored_eof = 46808`));
  });

  it('an HDF5 signature followed by garbage', async () => {
    const damaged = writeTemp('damaged.h5', Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(600, 0xab)]));
    await refused([damaged], /damaged\.h5: an HDF5 file that cannot be read \(truncated or damaged\?\): /);
  });

  it('an HDF5 file that is not a Keras model (no model_config)', async () => {
    const path = writeTemp('measurements.h5', '');
    const f = new h5.File(path, 'w');
    f.create_attribute('instrument', 'thermometer');
    f.create_group('data').create_dataset({ name: 'temperature', data: new Float32Array([20.5, 21]), shape: [2], dtype: '<f' });
    f.close();
    await refused([path], /measurements\.h5: an HDF5 file, but not a Keras model: it has no model_config attribute \(root attributes: instrument; groups: data\); expected a file written by Keras's model\.save\("model\.h5"\)/);
    await refused([file('merges.json'), '--weights', path], /measurements\.h5: --weights: an HDF5 file, but not Keras weights/);
  });

  it('a folder with saved_model.pb but no keras_metadata.pb: a SavedModel without Keras metadata', async () => {
    const dir = join(writeTemp('tf-only', ''), '..', 'tf-only-savedmodel');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'saved_model.pb'), Buffer.from([0x08, 0x01]));
    await refused([dir], /tf-only-savedmodel: a TensorFlow SavedModel without Keras metadata: there is no keras_metadata\.pb beside saved_model\.pb/);
  });

  it('a damaged keras_metadata.pb', async () => {
    const dir = join(writeTemp('damaged-meta', ''), '..', 'damaged-metadata-savedmodel');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'saved_model.pb'), Buffer.from([0x08, 0x01]));
    writeFileSync(join(dir, 'keras_metadata.pb'), Buffer.from([0x0a, 0xff, 0x01, 0x12]));
    await refused([dir], /keras_metadata\.pb: keras_metadata\.pb is not a Keras SavedMetadata message \(truncated or damaged\?\)/);
  });

  it('binary content that is none of the kinds read, never a YAML error', async () => {
    const blob = writeTemp('weights.bin', Buffer.from([0x00, 0x00, 0x80, 0x3f, 0xcd, 0xcc, 0x4c, 0x3e, 0x00]));
    await refused([blob], /weights\.bin: not a model file merge-summary reads: binary content \(it starts with 00 00 80 3f cd cc 4c 3e\).*; TF\.js weight shards hold values only: pass the model\.json beside them/);
    const pb = join(writeTemp('pb', ''), '..', 'saved_model.pb');
    writeFileSync(pb, Buffer.from([0x08, 0x01, 0x12, 0x00, 0x00]));
    await refused([pb], /saved_model\.pb is part of a TensorFlow SavedModel: pass the folder that holds it/);
  });

  it('an HDF5 file on standard input', async () => {
    const result = spawnCli(['-'], { input: readFileSync(file('merges.h5')) });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^<stdin>: an HDF5 file on standard input: HDF5 is read from a file, in place; pass its path/);
  });

  it('--weights with a folder, or JSON without a manifest', async () => {
    await refused([file('merges.json'), '--weights', FILES], /keras-files: --weights: a folder; expected a weights file/);
    await refused([file('merges.json'), '--weights', file('nested.json')], /nested\.json:1:1: --weights: JSON without a weights manifest/);
  });

  it('a GRU with reset_after true (Keras 3\'s default) has a bias row for its recurrent product too', async () => {
    const doc = JSON.parse(readFileSync(file('recurrent.json'), 'utf8'));
    const gru = doc.config.layers.find((l: { class_name: string }) => l.class_name === 'GRU');
    const count = (resetAfter: boolean) => {
      gru.config.reset_after = resetAfter;
      const summary = analyzeFile(writeTemp(`gru-reset-after-${resetAfter}.json`, JSON.stringify(doc)));
      return summary.layers.find((layer) => layer.name === 'gru')!.params;
    };
    // 3 units on the Bidirectional's 2 × 3 features: 3 gates × (6 × 3 kernel + 3 × 3 recurrent kernel + 3 bias, or 2 × 3 with reset_after).
    assert.equal(count(false), 3 * (6 * 3 + 3 * 3 + 3)); // 90
    assert.equal(count(true), 3 * (6 * 3 + 3 * 3 + 2 * 3)); // 99
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
