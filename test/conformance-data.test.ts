import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { CONFORMANCE_DIR, loadConformance, runCase, type ConformanceCase } from './conformance-runner.js';
import { ROOT } from './helpers.js';

/**
 * The Keras-made data of the conformance suite is whole and readable, and the
 * runner classifies as it says. Whether the tool matches Keras on every case
 * is test/conformance.test.ts.
 */
const files = loadConformance();
const cases = files.flatMap((f) => f.cases.map((c) => ({ className: f.class, testCase: c })));
const find = (id: string): ConformanceCase => {
  const found = cases.find((c) => c.testCase.id === id);
  assert.ok(found, `no case ${id}`);
  return structuredClone(found.testCase);
};

describe('the conformance data (tools/keras-conformance.py)', () => {
  it('is Keras 3.15.1, one file per class named after it, with unique case ids', () => {
    assert.ok(files.length >= 130, `${files.length} classes`);
    for (const file of files) {
      assert.equal(file.keras, '3.15.1');
      assert.ok(file.cases.length > 0, file.class);
    }
    assert.deepEqual(
      readdirSync(CONFORMANCE_DIR).filter((f) => f.endsWith('.json')).sort(),
      files.map((f) => `${f.class}.json`).sort(),
    );
    const ids = cases.map((c) => c.testCase.id);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('gives every case a spec, and Keras JSON or null, and Keras\'s answer', () => {
    for (const { testCase } of cases) {
      const spec = testCase.spec as { inputs: unknown[]; layers: unknown[] };
      assert.ok(Array.isArray(spec.inputs) && Array.isArray(spec.layers), testCase.id);
      if (testCase.kerasJson !== null) assert.equal((testCase.kerasJson as { class_name: string }).class_name, 'Functional', testCase.id);
      const expected = testCase.expected;
      if (expected.outcome === 'ok') {
        assert.ok(expected.layers.length >= 2, testCase.id);
        assert.equal(expected.totals.params, expected.totals.trainable + expected.totals.nonTrainable, testCase.id);
        for (const row of expected.layers) assert.equal(row.params, row.trainable + row.nonTrainable, `${testCase.id}: ${row.name}`);
      } else {
        assert.ok(['construct', 'call'].includes(expected.stage), testCase.id);
        assert.match(expected.error, /^[A-Za-z]+Error: /, testCase.id);
        if (testCase.kerasJson !== null) assert.ok(testCase.jsonError !== undefined || testCase.jsonExpected !== undefined, testCase.id);
      }
    }
  });

  it('holds Keras\'s arithmetic for a grouped convolution, GRU reset_after and a causal dilated Conv1D', () => {
    // 3*3*(16/4)*8 kernel + 8 bias
    const grouped = find('Conv2D(filters=8, kernel_size=3, groups=4) on (8, 8, 16)').expected;
    assert.ok(grouped.outcome === 'ok');
    assert.equal(grouped.totals.params, 3 * 3 * (16 / 4) * 8 + 8);
    // 3 gates * (4*8 input + 8*8 recurrent + 2*8 biases)
    const gru = find('GRU(units=8) on (10, 4)').expected;
    assert.ok(gru.outcome === 'ok');
    assert.equal(gru.totals.params, 3 * (4 * 8 + 8 * 8 + 2 * 8));
    // causal padding keeps the length whatever the dilation
    const causal = find('Conv1D(filters=8, kernel_size=3, padding="causal", dilation_rate=2) on (10, 4)').expected;
    assert.ok(causal.outcome === 'ok');
    assert.deepEqual(causal.layers[1].outputShape, [null, 10, 8]);
  });
});

describe('the conformance runner', () => {
  it('calls a case the tool gets right a match, and the same case with a wrong count a silent difference', () => {
    const dense = find('Dense(units=4) on (8,)');
    assert.deepEqual(runCase(dense, 'spec'), { outcome: 'match' });
    assert.deepEqual(runCase(dense, 'json'), { outcome: 'match' });
    assert.ok(dense.expected.outcome === 'ok');
    dense.expected.layers[1].params = 35;
    dense.expected.totals.params = 35;
    const result = runCase(dense, 'spec');
    assert.equal(result.outcome, 'silent-difference');
    assert.deepEqual(result.differences, ['row 1 dense: params Keras 35, tool 36', 'total params: Keras 35, tool 36']);
  });

  it('tells a refusal Keras shares from one for want of a class rule, and skips a case without JSON', () => {
    assert.equal(runCase(find('Add() on (4, 5) + (4, 6)'), 'spec').outcome, 'refused-as-keras');
    const unknown = find('Convolution2D(filters=4, kernel_size=3) on (8, 8, 3)');
    unknown.spec = { ...(unknown.spec as object), layers: [{ type: 'NoSuchLayer' }] };
    assert.equal(runCase(unknown, 'spec').outcome, 'refused-unknown-class');
    assert.equal(runCase(find('Subtract() on (4, 5) + (4, 5) + (4, 5)'), 'json').outcome, 'no-json');
  });
});

describe('the keras.applications data (tools/keras-applications.py)', () => {
  const dir = join(ROOT, 'test', 'applications');
  const goldens = readdirSync(dir).filter((f) => f.endsWith('.golden.json.br'));

  it('has the JSON and a golden for every application, readable with node:zlib', () => {
    assert.ok(goldens.length >= 40, `${goldens.length} goldens`);
    for (const file of goldens) {
      const golden = JSON.parse(brotliDecompressSync(readFileSync(join(dir, file))).toString('utf8')) as {
        keras: string;
        layers: { params: number; trainable: number; nonTrainable: number; connectedTo: string }[];
        totals: { params: number; trainable: number; nonTrainable: number };
      };
      const config = JSON.parse(brotliDecompressSync(readFileSync(join(dir, file.replace('.golden.json.br', '.json.br')))).toString('utf8')) as {
        config: { layers: unknown[] };
      };
      assert.equal(golden.keras, '3.15.1');
      assert.equal(config.config.layers.length, golden.layers.length, file);
      assert.equal(golden.totals.params, golden.totals.trainable + golden.totals.nonTrainable, file);
    }
  });
});
