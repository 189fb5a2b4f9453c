import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeFile } from '../src/pipeline.js';
import { ROOT, fixture } from './helpers.js';

/**
 * test/golden/keras/*.json are what Keras 3 itself reports for each fixture
 * (tools/keras-golden.py builds the same spec with keras.layers). Every name,
 * type, output shape, parameter count and connection must be Keras's.
 */
interface KerasGolden {
  keras: string;
  layers: { name: string; type: string; outputShape: unknown; params: number; trainable: number; nonTrainable: number; connections: [string, number, number][] }[];
  totals: { params: number; trainable: number; nonTrainable: number };
}

const goldenDir = join(ROOT, 'test', 'golden', 'keras');
const goldens = readdirSync(goldenDir).filter((f) => f.endsWith('.json'));

describe('every fixture summarises exactly as Keras 3 builds it', () => {
  it('has Keras goldens for every fixture', () => {
    const fixtures = readdirSync(join(ROOT, 'fixtures')).filter((f) => f.endsWith('.yaml'));
    assert.deepEqual(goldens.map((g) => g.replace('.json', '')).sort(), fixtures.map((f) => f.replace('.yaml', '')).sort());
  });
  for (const file of goldens) {
    it(file.replace('.json', ''), () => {
      const golden = JSON.parse(readFileSync(join(goldenDir, file), 'utf8')) as KerasGolden;
      const summary = analyzeFile(fixture(file.replace('.json', '.yaml')));
      assert.deepEqual(
        summary.layers.map((l) => ({
          name: l.name,
          type: l.type,
          outputShape: l.outputShape,
          params: l.params,
          trainable: l.trainable,
          nonTrainable: l.nonTrainable,
          connections: l.connections.map((c) => [c.layer, c.node, c.tensor]),
        })),
        golden.layers,
      );
      const { params, trainable, nonTrainable } = summary.totals;
      assert.deepEqual({ params, trainable, nonTrainable }, golden.totals);
    });
  }
});

describe('the numbers of the seed question and published architectures', () => {
  const layer = (summary: ReturnType<typeof analyzeFile>, name: string) => {
    const found = summary.layers.find((l) => l.name === name);
    assert.ok(found, `no layer ${name}`);
    return found;
  };

  it('Concatenate: 8,086,546 params, merge (None, 32, 32, 128), first Dense 3,145,752', () => {
    const summary = analyzeFile(fixture('seed-concat.yaml'));
    assert.equal(summary.totals.params, 8_086_546);
    assert.equal(summary.totals.trainable, 8_086_290);
    assert.equal(summary.totals.nonTrainable, 256);
    assert.deepEqual(layer(summary, 'concatenate').outputShape, [null, 32, 32, 128]);
    // 32*32*128 inputs x 24 units + 24 biases
    assert.equal(layer(summary, 'dense').params, 32 * 32 * 128 * 24 + 24);
    assert.equal(layer(summary, 'dense').params, 3_145_752);
    // Keras's Flatten of a 2-D tensor keeps it: (None, 10)
    assert.deepEqual(layer(summary, 'flatten_1').outputShape, [null, 10]);
  });

  it('Add: 6,513,682 params, first Dense 1,572,888', () => {
    const summary = analyzeFile(fixture('seed-add.yaml'));
    assert.equal(summary.totals.params, 6_513_682);
    assert.deepEqual(layer(summary, 'add').outputShape, [null, 32, 32, 64]);
    assert.equal(layer(summary, 'dense').params, 1_572_888);
  });

  it('ResNet50: 25,636,712 params, 53,120 non-trainable (keras.applications)', () => {
    const summary = analyzeFile(fixture('resnet50.yaml'));
    assert.equal(summary.totals.params, 25_636_712);
    assert.equal(summary.totals.nonTrainable, 53_120);
    assert.equal(summary.layers.length, 177);
  });

  it('VGG16: 138,357,544 params (keras.applications)', () => {
    assert.equal(analyzeFile(fixture('vgg16.yaml')).totals.params, 138_357_544);
  });

  it('a shared layer counts its weights once: (64*32+32) + (32+1)', () => {
    const summary = analyzeFile(fixture('shared-encoder.yaml'));
    assert.equal(summary.totals.params, 64 * 32 + 32 + 32 + 1);
    assert.deepEqual(layer(summary, 'encoder').connections, [
      { layer: 'left', node: 0, tensor: 0 },
      { layer: 'right', node: 0, tensor: 0 },
    ]);
  });
});
