import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { brotliDecompressSync } from 'node:zlib';
import type { LayerSummary } from '../src/analysis/types.js';
import { analyzeFile } from '../src/pipeline.js';
import { ROOT, fixture, writeTemp } from './helpers.js';

/**
 * The Keras Applications as merge-summary builds them (from its fixtures,
 * or from Keras's own layer configurations and wiring written as model JSON
 * by tools/applications-json.mjs), costed from the facts the tool extracts:
 * every layer's mult-adds equals what tools/keras-macs.py counted on the
 * layers Keras built, the totals are within 2% of torchvision's published
 * figures, and the liveness walk over the tool's execution graph peaks
 * where the Python twin's does.
 */
const MACS = join(ROOT, 'test', 'golden', 'macs');
const golden = (model: string) => JSON.parse(readFileSync(join(MACS, `keras-${model}.json`), 'utf8'));

const BUILT: Record<string, string> = {
  VGG16: fixture('vgg16.yaml'),
  DenseNet121: fixture('densenet121.yaml'),
  MobileNetV2: join(MACS, 'models', 'MobileNetV2.json'),
  InceptionV3: join(MACS, 'models', 'InceptionV3.json'),
  EfficientNetB0: join(MACS, 'models', 'EfficientNetB0.json'),
  ConvNeXtTiny: join(MACS, 'models', 'ConvNeXtTiny.json'),
  MobileNetV3Large: atInput(join(ROOT, 'test', 'applications', 'MobileNetV3Large.json.br'), [null, 224, 224, 3]),
};

/**
 * An application's model JSON with its input fixed: Keras builds MobileNetV3
 * with an open (None, None, None, 3) input unless given one, and the
 * published figure is at 224 × 224.
 */
function atInput(brotliJson: string, batchShape: (number | null)[]): string {
  const doc = JSON.parse(brotliDecompressSync(readFileSync(brotliJson)).toString('utf8')) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  const inputs = doc.config.layers.filter((layer) => layer.class_name === 'InputLayer');
  assert.equal(inputs.length, 1);
  inputs[0].config.batch_shape = batchShape;
  return writeTemp(basename(brotliJson, '.json.br') + '.json', JSON.stringify(doc));
}

describe('Keras Applications built by merge-summary: mult-adds against Keras and the published figures', () => {
  for (const [model, path] of Object.entries(BUILT)) {
    const expected = golden(model);
    const summary = analyzeFile(path, { merges: false });
    const byName = new Map<string, LayerSummary>(summary.layers.map((layer) => [layer.name, layer]));

    it(`${model}: every layer's mult-adds are Keras's`, () => {
      assert.equal(summary.layers.length, expected.layers.length);
      for (const layer of expected.layers as { name: string; type: string; macs: number }[]) {
        assert.equal(byName.get(layer.name)?.macs, layer.macs, `${layer.name} (${layer.type})`);
      }
    });

    it(`${model}: ${expected.totalMacs.toLocaleString('en-US')} mult-adds in all, within 2% of the published ${expected.published.gmacs} G`, () => {
      assert.equal(summary.totals.macs, expected.totalMacs);
      const published = expected.published.gmacs * 1e9;
      const total = summary.totals.macs as number;
      assert.ok(Math.abs(total - published) <= Math.max(0.02 * published, 0.005e9), `${total} against ${published}`);
    });

    it(`${model}: the peak of live activations is where Keras's graph has it`, () => {
      assert.equal(summary.totals.peakActivationBytes, expected.peakActivation.peakBytes);
      assert.equal(summary.totals.peakActivationAt, expected.peakActivation.atCall);
    });
  }

  it('ConvNeXtTiny: its grouped 7×7 convolutions (Conv2D groups=96, ...) have Keras\'s parameters, shapes and mult-adds', () => {
    const summary = analyzeFile(join(MACS, 'models', 'ConvNeXtTiny.json'), { merges: false });
    const byName = new Map<string, LayerSummary>(summary.layers.map((layer) => [layer.name, layer]));
    const keras = JSON.parse(brotliDecompressSync(readFileSync(join(ROOT, 'test', 'applications', 'ConvNeXtTiny.golden.json.br'))).toString('utf8')) as {
      layers: { name: string; type: string; outputShape: unknown; params: number }[];
    };
    const convolutions = keras.layers.filter((layer) => layer.type === 'Conv2D' || layer.type === 'Sequential');
    assert.equal(convolutions.length, 22, 'the 18 depthwise convolutions and the 4 stem and downsampling blocks');
    for (const layer of convolutions) {
      assert.equal(byName.get(layer.name)?.params, layer.params, layer.name);
      assert.deepEqual(byName.get(layer.name)?.outputShape, layer.outputShape, layer.name);
    }
    for (const layer of golden('ConvNeXtTiny').layers as { name: string; type: string; macs: number }[]) {
      if (layer.type === 'Conv2D') assert.equal(byName.get(layer.name)?.macs, layer.macs, layer.name);
    }
    // A depthwise 7×7 convolution of 96 channels as Keras builds it: 7 × 7 × (96 / 96) × 96 + 96 weights.
    assert.equal(byName.get('convnext_tiny_stage_0_block_0_depthwise_conv')?.params, 7 * 7 * 1 * 96 + 96);
  });
});
