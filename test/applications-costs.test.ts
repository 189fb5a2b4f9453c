import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LayerSummary } from '../src/analysis/types.js';
import { UserError } from '../src/core/errors.js';
import { analyzeFile } from '../src/pipeline.js';
import { ROOT, fixture } from './helpers.js';

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
};

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

  it('ConvNeXtTiny: the tool refuses its grouped 7×7 convolutions (Conv2D groups=96, which tfjs ignores) rather than miscount them', () => {
    assert.throws(
      () => analyzeFile(join(MACS, 'models', 'ConvNeXtTiny.json'), { merges: false, allowUnknown: true }),
      (error: unknown) => error instanceof UserError && /groups=96 is a Keras argument merge-summary cannot honour yet for Conv2D/.test(error.message),
    );
  });
});
