import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { brotliDecompressSync } from 'node:zlib';
import type { LayerSummary } from '../src/analysis/types.js';
import { formatShapes, type FullShape } from '../src/core/shapes.js';
import { analyzeFile } from '../src/pipeline.js';
import { ROOT, writeTemp } from './helpers.js';

/**
 * Every keras.applications model as Keras 3.15.1 builds it (weights=None;
 * test/applications/, made by tools/keras-applications.py): its to_json(),
 * summarised with no flag, gives Keras's summary: the same rows in the same
 * order, each with Keras's name, printed class, output shape, parameters
 * (trainable and not) and "Connected to", and Keras's totals.
 */
const DIR = join(ROOT, 'test', 'applications');

interface GoldenRow {
  name: string;
  type: string;
  outputShape: FullShape | FullShape[];
  params: number;
  trainable: number;
  nonTrainable: number;
  connectedTo: string;
}

interface Golden {
  keras: string;
  model: string;
  modelName: string;
  sequentialLike: boolean;
  layers: GoldenRow[];
  totals: { params: number; trainable: number; nonTrainable: number };
}

/**
 * Applications that need a layer class another branch of issue 9 brings (the
 * tool refuses them until it is merged): what they wait for. Remove an entry
 * once its application passes.
 */

const read = (file: string) => brotliDecompressSync(readFileSync(join(DIR, file))).toString('utf8');

/** Keras's "Connected to" cell: each input as NAME[CALL][OUTPUT], "-" for none. */
function connectedTo(layer: LayerSummary): string {
  return layer.connections.length === 0 ? '-' : layer.connections.map((c) => `${c.layer}[${c.node}][${c.tensor}]`).join(', ');
}

const names = readdirSync(DIR)
  .filter((file) => file.endsWith('.golden.json.br'))
  .map((file) => file.replace(/\.golden\.json\.br$/, ''))
  .sort();

describe('keras.applications (Keras 3.15.1, weights=None): every row and total as Keras summarises it', () => {
  it('has all 40 applications', () => {
    assert.equal(names.length, 40);
  });

  for (const name of names) {
    it(`${name}`, () => {
      const golden = JSON.parse(read(`${name}.golden.json.br`)) as Golden;
      assert.equal(golden.keras, '3.15.1');
      const summary = analyzeFile(writeTemp(`${name}.json`, read(`${name}.json.br`)), { merges: false });
      assert.equal(summary.name, golden.modelName);
      const tool = summary.layers;
      assert.deepEqual(
        tool.map((layer) => layer.name),
        golden.layers.map((row) => row.name),
        'the same rows in the same order',
      );
      golden.layers.forEach((row, i) => {
        const layer = tool[i];
        const got = {
          type: layer.type,
          outputShape: formatShapes(layer.outputShape),
          params: layer.params,
          trainable: layer.trainable,
          nonTrainable: layer.nonTrainable,
          connectedTo: connectedTo(layer),
        };
        const want = { type: row.type, outputShape: formatShapes(row.outputShape), params: row.params, trainable: row.trainable, nonTrainable: row.nonTrainable, connectedTo: row.connectedTo };
        assert.deepEqual(got, want, `row ${i} ${row.name}`);
      });
      assert.deepEqual({ params: summary.totals.params, trainable: summary.totals.trainable, nonTrainable: summary.totals.nonTrainable }, golden.totals);
      assert.equal(summary.sequentialLike, golden.sequentialLike, 'Keras leaves out "Connected to" for a plain chain, and only then');
    });
  }
});
