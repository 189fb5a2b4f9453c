import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LayerSummary, ModelSummary } from '../src/analysis/types.js';
import { ROOT, runCli, writeTemp } from './helpers.js';

/**
 * The model files of fixtures/files/, made here by tools/keras3-model-files.py
 * and tools/tfjs-model-files.ts: one for each format and quirk of real-world
 * Keras and TF.js files, so that a clone alone tests them all.
 */
const FILES = join(ROOT, 'fixtures', 'files');
const recorded = JSON.parse(readFileSync(join(FILES, 'totals.json'), 'utf8')) as Record<string, { params: number; trainable: number; nonTrainable: number; source: string }>;
const file = (name: string) => join(FILES, name);
const raw = (name: string) => readFileSync(file(name), 'utf8');

async function summary(name: string, args: string[] = []): Promise<ModelSummary> {
  const result = await runCli([file(name), '--json', ...args]);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as ModelSummary;
}

const layer = (doc: ModelSummary, name: string) => doc.layers.find((l) => l.name === name) as LayerSummary;

describe('every model file made here summarises to the totals Keras or tfjs counted when it was made', () => {
  it('fixtures/files/totals.json lists the twelve files', () => assert.equal(Object.keys(recorded).length, 12));
  for (const [name, truth] of Object.entries(recorded)) {
    it(`${name} (${truth.source.split(' (')[0]})`, async () => {
      const doc = await summary(name);
      assert.deepEqual(
        { params: doc.totals.params, trainable: doc.totals.trainable, nonTrainable: doc.totals.nonTrainable },
        { params: truth.params, trainable: truth.trainable, nonTrainable: truth.nonTrainable },
      );
      assert.deepEqual(doc.warnings, []);
    });
  }
});

describe('the quirk each file carries', () => {
  it('Keras 3 to_json: __keras_tensor__ call arguments become connections, merges are analysed', async () => {
    assert.match(raw('keras3-functional.json'), /"class_name": "__keras_tensor__"/);
    const doc = await summary('keras3-functional.json');
    assert.deepEqual(layer(doc, 'joined').inputs, ['branch_a', 'branch_b']);
    assert.deepEqual(layer(doc, 'joined').outputShape, [null, 16, 16, 16]);
    assert.deepEqual(doc.merges.map((m) => `${m.name} ${m.type}`), ['joined Concatenate', 'add Add']);
  });

  it('a shared nested Functional (calls numbered from 0 in Keras 3) holding a frozen Sequential', async () => {
    const doc = await summary('keras3-nested-frozen.json');
    const encoder = layer(doc, 'encoder');
    assert.deepEqual(encoder.connections, [{ layer: 'left', node: 0, tensor: 0 }, { layer: 'right', node: 0, tensor: 0 }]);
    // The frozen base: Dense 12→16 (208) and BatchNormalization of 16 (64), all non-trainable.
    assert.equal(doc.totals.nonTrainable, 12 * 16 + 16 + 4 * 16);
    assert.deepEqual(encoder.nested?.map((l) => l.name), ['features', 'base', 'code']);
  });

  it('double-encoded JSON with string inputs and StringLookup towers', async () => {
    assert.equal(raw('keras3-string-towers-double-encoded.json')[0], '"');
    const doc = await summary('keras3-string-towers-double-encoded.json');
    assert.deepEqual(layer(doc, 'user_id').outputShape, [null]);
    assert.deepEqual(layer(doc, 'user_tower').outputShape, [null, 8]);
    assert.deepEqual(layer(doc, 'score').outputShape, [null, 1]);
    // Embeddings of 4 + 1 and 6 + 1 rows (the OOV index) of 8: the lookups have no weights.
    assert.equal(doc.totals.params, (4 + 1) * 8 + (6 + 1) * 8);
  });

  it('tfjs-layers\' own model.json: format "layers-model", three levels of models, a frozen extractor', async () => {
    const json = JSON.parse(raw('tfjs-nested-frozen/model.json'));
    assert.equal(json.format, 'layers-model');
    assert.equal(json.modelTopology.model_config, undefined);
    const doc = await summary('tfjs-nested-frozen/model.json');
    assert.deepEqual(doc.layers.map((l) => `${l.name} (${l.type})`), ['features (Sequential)', 'head (Sequential)']);
    assert.deepEqual(layer(doc, 'features').nested?.map((l) => l.name), ['extractor', 'pool']);
    assert.equal(layer(doc, 'features').trainable, 0);
  });

  it('an LSTM called on a sequence and two initial states, with three model outputs', async () => {
    const doc = await summary('tfjs-seq2seq-decoder/model.json');
    assert.deepEqual(layer(doc, 'lstm').inputs, ['embedding', 'state_h', 'state_c']);
    assert.deepEqual(layer(doc, 'lstm').outputShape, [[null, null, 24], [null, 24], [null, 24]]);
    // LSTM: 4 gates × (12 inputs + 24 recurrent + 1 bias) × 24 units.
    assert.equal(layer(doc, 'lstm').params, 4 * (12 + 24 + 1) * 24);
  });

  it('the pre-1.0 converter\'s model.json: no format key, model_config, inputs of any height and width', async () => {
    const json = JSON.parse(raw('tfjs-pre-format-unet/model.json'));
    assert.equal(json.format, undefined);
    assert.ok(json.modelTopology.model_config);
    const doc = await summary('tfjs-pre-format-unet/model.json');
    assert.deepEqual(layer(doc, 'skip1').outputShape, [null, null, null, 16]);
    assert.deepEqual(doc.merges.map((m) => m.type), ['Concatenate', 'Concatenate']);
  });

  it('Keras 2.0\'s Sequential as a bare list of layers, batch_input_shape on the first', async () => {
    const json = JSON.parse(raw('tfjs-keras2-list-config/model.json'));
    assert.ok(Array.isArray(json.modelTopology.config));
    const doc = await summary('tfjs-keras2-list-config/model.json');
    assert.deepEqual(doc.layers.map((l) => [l.name, l.outputShape]), [['lstm_1', [null, 32]], ['dense_1', [null, 10]]]);
  });

  it('TensorFlowOpLayer DepthToSpace: (24, 24, 12) becomes (48, 48, 3)', async () => {
    const doc = await summary('tfjs-depth-to-space/model.json');
    const op = layer(doc, 'tf_op_layer_DepthToSpace');
    assert.equal(op.type, 'TensorFlowOpLayer');
    assert.deepEqual(op.inputShapes, [[null, 24, 24, 12]]);
    assert.deepEqual(op.outputShape, [null, 48, 48, 3]);
  });

  it('a Keras 3 topology in a TF.js model.json: every weight checked against the manifest', async () => {
    const json = JSON.parse(raw('tfjs-keras3-converter/model.json'));
    assert.ok(json.weightsManifest[0].weights.length > 0);
    const tampered = structuredClone(json);
    tampered.weightsManifest[0].weights[0].shape[0] += 1;
    const result = await runCli([writeTemp('tampered-model.json', JSON.stringify(tampered)), '--json']);
    const warnings = (JSON.parse(result.stdout) as ModelSummary).warnings;
    assert.deepEqual(warnings.map((w) => [w.code, w.layer]), [['weights-mismatch', 'branch_a']]);
  });
});
