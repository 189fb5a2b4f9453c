import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { layersByKey, layerKey } from '../src/analysis/merges.js';
import type { LayerSummary, MergeSummary, ModelSummary } from '../src/analysis/types.js';
import { UserError, isObject } from '../src/core/errors.js';
import { MERGE_KINDS } from '../src/core/merge-kinds.js';
import { sameShape } from '../src/core/shapes.js';
import { buildKerasModel } from '../src/model/build-keras.js';
import { buildModel } from '../src/model/build-spec.js';
import { analyzeFile, analyzeModel } from '../src/pipeline.js';
import { readModel } from '../src/readers/read.js';
import { HAS_REAL_MODELS, REAL_MODELS, ROOT, fixture } from './helpers.js';

/**
 * The oracle of merge impact: the counterfactual found by propagating a
 * change through the layers after a merge must equal a full rebuild of the
 * model with that merge swapped, in its totals and in every layer (at any
 * depth of nesting) whose shape or size differs; and a swap found
 * impossible must make the full rebuild fail.
 */
function rebuiltWithSwap(path: string, merge: MergeSummary, allowUnknown = false): ModelSummary {
  const alternative = MERGE_KINDS[merge.type].alternative!;
  const source = readModel(path);
  if (source.kind === 'spec') {
    const call = source.graph.calls.find((c) => c.layer === merge.name)!;
    assert.ok(call.definition?.kind === 'spec');
    call.definition = { ...call.definition, type: alternative.type, args: alternative.args };
    return analyzeModel(buildModel(source.graph), { merges: false });
  }
  assert.ok(source.kind === 'keras');
  let model: Record<string, unknown> = source.topology.model;
  for (const name of merge.within ?? []) model = entryNamed(model, name);
  const entry = entryNamed(model, merge.name);
  const config = entry.config as Record<string, unknown>;
  entry.class_name = alternative.type;
  // As a file would hold it: a key the original lacks stays absent (JSON has no undefined).
  entry.config = JSON.parse(JSON.stringify({ name: config.name, trainable: config.trainable, dtype: config.dtype, ...alternative.args }));
  return analyzeModel(buildKerasModel(source.topology, { allowUnknown }), { merges: false });
}

function entryNamed(model: Record<string, unknown>, name: string): Record<string, unknown> {
  const layers = (model.config as { layers: Record<string, unknown>[] }).layers;
  const found = layers.find((layer) => (layer.name ?? (isObject(layer.config) ? layer.config.name : undefined)) === name);
  assert.ok(found, `no layer ${name}`);
  return found;
}

/** Every layer at any depth whose output shape or parameters differ between two summaries. */
function differing(original: ModelSummary, rebuilt: ModelSummary, merge: MergeSummary): string[] {
  const before = layersByKey(original.layers);
  const out: string[] = [];
  for (const [key, layer] of layersByKey(rebuilt.layers)) {
    const old = before.get(key) as LayerSummary;
    assert.ok(old, `the rebuilt model has a layer the original has not: ${key}`);
    if (key === layerKey({ name: merge.name, path: merge.within ?? [] })) continue;
    if (!sameShape(layer.outputShape, old.outputShape) || layer.params !== old.params) out.push(describeLayer(key, layer));
  }
  return out.sort();
}

function describeLayer(key: string, layer: { outputShape: unknown; params: number }): string {
  return `${key.replace(/\u0000/g, '/')} ${JSON.stringify(layer.outputShape)} ${layer.params}`;
}

function checkEveryMerge(path: string, options: { allowUnknown?: boolean; only?: (merge: MergeSummary) => boolean } = {}): number {
  const summary = analyzeFile(path, { allowUnknown: options.allowUnknown });
  let checked = 0;
  for (const merge of summary.merges.filter(options.only ?? (() => true))) {
    const what = `${path.split('/').pop()}: ${[...(merge.within ?? []), merge.name].join('/')}`;
    const alt = merge.alternative;
    if (alt.type === null) continue;
    if (!alt.possible) {
      assert.throws(() => rebuiltWithSwap(path, merge, options.allowUnknown), UserError, `${what}: the full rebuild fails too`);
      checked += 1;
      continue;
    }
    const rebuilt = rebuiltWithSwap(path, merge, options.allowUnknown);
    assert.equal(rebuilt.totals.params, alt.totalParams, `${what}: total`);
    assert.equal(rebuilt.totals.trainable, alt.trainableParams, `${what}: trainable`);
    const predicted = merge.affected.map((a) => describeLayer([...(a.within ?? []), a.name].join('\u0000'), { outputShape: a.alternativeOutputShape, params: a.alternativeParams })).sort();
    assert.deepEqual(differing(summary, rebuilt, merge), predicted, `${what}: footprint`);
    // Costs: the mult-adds and the peak of live activations of the swapped model, as its own summary counts them.
    assert.equal(alt.totalMacs, rebuilt.totals.macs, `${what}: mult-adds`);
    assert.equal(alt.totalMacsPerStep, rebuilt.totals.macsPerStep, `${what}: mult-adds per step`);
    assert.equal(alt.peakActivationBytes, rebuilt.totals.peakActivationBytes, `${what}: peak activations`);
    assert.equal(alt.peakActivationAt, rebuilt.totals.peakActivationAt, `${what}: where the peak is`);
    checked += 1;
  }
  return checked;
}

describe('the merge counterfactual equals a full rebuild of the swapped model', () => {
  for (const name of ['seed-add', 'seed-concat', 'residual-block', 'shared-encoder', 'squeeze-excite', 'inception-block', 'resnet50']) {
    it(`fixtures/${name}.yaml, every merge`, () => {
      assert.ok(checkEveryMerge(fixture(`${name}.yaml`)) > 0);
    });
  }

  // The project's own model files with merges, nested ones among them: the oracle runs without ../shared too.
  for (const file of ['keras3-nested-residual.json', 'tfjs-nested-frozen/model.json', 'keras3-nested-frozen.json', 'keras3-functional.json', 'tfjs-pre-format-unet/model.json', 'tfjs-depth-to-space/model.json', 'keras3-nested-two-deep.json', 'tfjs-inlined-nested/model.json']) {
    it(`fixtures/files/${file}, every merge`, () => {
      assert.ok(checkEveryMerge(join(ROOT, 'fixtures', 'files', file)) > 0);
    });
  }
  it('a merge inside a nested model reaches the layer after the model: block/inner_add as Concatenate grows head (8 → 16 inputs of 4 units)', () => {
    const summary = analyzeFile(join(ROOT, 'fixtures', 'files', 'keras3-nested-residual.json'));
    const [merge] = summary.merges;
    assert.deepEqual([merge.within, merge.name], [['block'], 'inner_add']);
    assert.ok(merge.alternative.possible);
    assert.equal(merge.alternative.totalParamsChange, (16 - 8) * 4);
    // The nested model's own row is in the footprint too: its output doubles, its 72 parameters (8·8 + 8) do not change.
    const rows = merge.affected.filter((a) => !a.within).map((a) => [a.name, a.outputShape, a.alternativeOutputShape, a.params, a.alternativeParams]);
    assert.deepEqual(rows, [['block', [null, 8], [null, 16], 72, 72], ['head', [null, 4], [null, 4], 8 * 4 + 4, 16 * 4 + 4]]);
    assert.deepEqual(merge.stopsAt, ['head']);
  });

  it('a change that stops inside a model two deep still changes the parameters of the model around it: mid is in the footprint', () => {
    // Keras 3.15.1's summaries of the model and of it with inner_add a Concatenate (tools/keras3-model-files.py):
    // stop, Dense(3) after the merge, takes 4 → 8 inputs: 4·3 + 3 = 15 → 8·3 + 3 = 27; inner 55 → 67; mid 63 → 75.
    const summary = analyzeFile(join(ROOT, 'fixtures', 'files', 'keras3-nested-two-deep.json'));
    const [merge] = summary.merges;
    assert.deepEqual([merge.within, merge.name], [['mid', 'inner'], 'inner_add']);
    assert.ok(merge.alternative.possible);
    assert.equal(merge.alternative.totalParamsChange, 27 - 15);
    const rows = merge.affected.map((a) => [[...(a.within ?? []), a.name].join('/'), a.params, a.alternativeParams]);
    assert.deepEqual(rows, [['mid/inner/stop', 15, 27], ['mid/inner', 55, 67], ['mid', 63, 75]]);
    assert.deepEqual(merge.stopsAt, ['stop']);
  });

  it('a model whose layers a Sequential runs (its first layer) holds the change of a model nested in it: F counts G\'s BatchNormalization', () => {
    // By hand (Keras 3.15.1 prints the same for this layout built with an Input): inner_add as Concatenate gives 8 channels, not 4.
    // bn: 4·4 = 16 → 8·4 = 32; G: d1 + d2 (20 each) + bn = 56 → 72; f_dense: 4·2 + 2 = 10 → 8·2 + 2 = 18; F: G + f_dense = 66 → 90.
    const summary = analyzeFile(join(ROOT, 'fixtures', 'files', 'tfjs-inlined-nested', 'model.json'));
    const [merge] = summary.merges;
    assert.deepEqual([merge.within, merge.name], [['F', 'G'], 'inner_add']);
    assert.ok(merge.alternative.possible);
    assert.equal(merge.alternative.totalParamsChange, 32 - 16 + (18 - 10));
    const rows = merge.affected.map((a) => [[...(a.within ?? []), a.name].join('/'), a.params, a.alternativeParams]);
    assert.deepEqual(rows, [['F/G/bn', 16, 32], ['F/G', 56, 72], ['F/f_dense', 10, 18], ['F', 66, 90]]);
  });

  const real = (file: string) => join(REAL_MODELS, file);
  const realFiles = [
    'resnet50v2-in-sequential-monkeypox.json', // 16 Adds inside a nested ResNet50V2
    'teachable-machine-mobilenetv2-nested.json', // 10 Adds two models deep
    'unet-128-segmentation.json',
    'yolov3-mobilenetv2-three-outputs.json',
    'anime4k-mobilenetv2-superres.json',
    'boneage-inceptionv3-two-inputs.json',
    'ncf-tour-recommender-keras-config.json',
  ];
  for (const file of realFiles) {
    it(`../shared/real-models/${file}, every merge`, { skip: HAS_REAL_MODELS ? false : 'no ../shared/real-models here' }, () => {
      assert.ok(checkEveryMerge(real(file)) > 0);
    });
  }
  it('the nested merges of the monkeypox model reach the outer model: conv5_block3_out as Concatenate grows dense_6', { skip: HAS_REAL_MODELS ? false : 'no ../shared/real-models here' }, () => {
    const summary = analyzeFile(real('resnet50v2-in-sequential-monkeypox.json'));
    assert.equal(summary.merges.length, 16);
    const last = summary.merges.find((m) => m.name === 'conv5_block3_out')!;
    assert.deepEqual(last.within, ['resnet50v2']);
    assert.ok(last.alternative.possible);
    // post_bn gains 2048 channels (4 weights each); dense_6 gains 2048 inputs of 256 units.
    assert.equal(last.alternative.totalParamsChange, 2048 * 4 + 2048 * 256);
    // The nested ResNet50V2's row first: its output (post_relu) has 2048 channels more, and its parameters post_bn's 2048 · 4 more.
    const resnet = last.affected.find((a) => a.name === 'resnet50v2' && !a.within)!;
    assert.equal(resnet.alternativeParams - resnet.params, 2048 * 4);
    assert.deepEqual([resnet.outputShape, resnet.alternativeOutputShape], [[null, 7, 7, 2048], [null, 7, 7, 4096]]);
    assert.deepEqual(last.affected.filter((a) => !a.within).map((a) => a.name), ['resnet50v2', 'global_average_pooling2d_2', 'dense_6']);
    assert.deepEqual(last.stopsAt, ['dense_6']);
  });
});
