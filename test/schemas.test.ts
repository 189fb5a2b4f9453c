import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { kindOf } from '../src/model/arg-kinds.js';
import { SPEC_DOC_PATH, SPEC_SCHEMA_PATH, specDocText, specSchemaText } from '../tools/spec-schema.js';
import { ROOT, fixture, runCli, writeTemp } from './helpers.js';
import { OUTPUT_SCHEMAS, assertValidOutput, newAjv, readSchema } from './json-schemas.js';

const MODELINE = '# yaml-language-server: $schema=../schemas/model-spec.schema.json';
const specFixtures = readdirSync(join(ROOT, 'fixtures')).filter((name) => name.endsWith('.yaml')).sort();
const validateSpec = newAjv().compile(readSchema('model-spec.schema.json'));

function specErrors(doc: unknown): string[] {
  return validateSpec(doc) ? [] : (validateSpec.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

describe('the spec schema (schemas/model-spec.schema.json)', () => {
  it('is what tools/spec-schema.ts generates from the layer registry now (npm run schema rewrites it)', () => {
    assert.ok(readFileSync(SPEC_SCHEMA_PATH, 'utf8') === specSchemaText(), 'schemas/model-spec.schema.json is stale: run npm run schema');
    assert.ok(readFileSync(SPEC_DOC_PATH, 'utf8') === specDocText(), "docs/model-spec.md's list of layer types is stale: run npm run schema");
  });

  for (const name of specFixtures) {
    it(`fixtures/${name} validates against it, and names it on its first line for editors`, () => {
      const text = readFileSync(fixture(name), 'utf8');
      assert.equal(text.split('\n')[0], MODELINE);
      assert.deepEqual(specErrors(yaml.load(text)), []);
    });
  }

  it('the specs of docs/examples/ that the tool takes validate too', () => {
    const good = readdirSync(join(ROOT, 'docs', 'examples')).filter((name) => name.endsWith('.yaml') && !name.startsWith('bad-'));
    assert.ok(good.length >= 4);
    for (const name of good) assert.deepEqual(specErrors(yaml.load(readFileSync(join(ROOT, 'docs', 'examples', name), 'utf8'))), [], name);
  });

  it('takes camelCase arguments as the tool does, and refuses what the tool refuses', async () => {
    const spec = (layer: object) => ({ inputs: [{ shape: [4] }], layers: [layer] });
    assert.deepEqual(specErrors(spec({ type: 'Dense', units: 3, useBias: false })), []);
    assert.deepEqual(specErrors({ inputs: [{ shape: [4, null], batch_size: 2 }], layers: [{ type: 'LSTM', units: 3, return_sequences: true }, { use: 'lstm', name: 'again' }] }), []);
    const refused: [string, object][] = [
      ['an unknown layer type', spec({ type: 'Dence', units: 3 })],
      ['an unknown argument', spec({ type: 'Dense', unit: 3 })],
      ['a number given as a string', spec({ type: 'Dense', units: '64' })],
      ['a fractional kernel size', spec({ type: 'Conv1D', filters: 4, kernel_size: 1.5 })],
      ['a rate of 1', spec({ type: 'Dropout', rate: 1 })],
      ['an input without a shape', { inputs: [{ name: 'x' }], layers: [{ type: 'Dense', units: 2 }] }],
      ['a zero dimension', { inputs: [{ shape: [4, 0] }], layers: [{ type: 'Dense', units: 2 }] }],
      ['an unknown key at the top', { inputs: [{ shape: [4] }], layers: [{ type: 'Dense', units: 2 }], output: 'dense' }],
      ['an unknown key in a use entry', { inputs: [{ shape: [4] }], layers: [{ type: 'Dense', units: 2 }, { use: 'dense', units: 3 }] }],
    ];
    for (const [problem, doc] of refused) {
      assert.notDeepEqual(specErrors(doc), [], `the schema takes ${problem}`);
      const file = writeTemp('schema-refused.json', JSON.stringify(doc));
      assert.equal((await runCli([file])).status, 2, `the tool takes ${problem}`);
    }
  });

  it('each argument kind\'s JSON Schema accepts exactly the values its check accepts', () => {
    const validators = ['units', 'kernel_size', 'axis', 'use_bias', 'rate', 'momentum', 'activation', 'target_shape', 'dims'].map((name) => {
      const kind = kindOf(name)!;
      return { name, kind, validate: newAjv().compile(kind.json) };
    });
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const { name, kind, validate } of validators) {
          assert.equal(validate(value), kind.check(value), `${name}: ${JSON.stringify(value)}`);
        }
      }),
      { numRuns: 500 },
    );
    for (const { name, kind, validate } of validators) {
      for (const value of [0, 1, -1, 0.5, 1.5, 64, [1, 2], [], [0], true, 'relu', null, { class_name: 'L2', config: {} }]) {
        assert.equal(validate(value), kind.check(value), `${name}: ${JSON.stringify(value)}`);
      }
    }
  });
});

describe('the --json schemas (schemas/merge-summary*.schema.json)', () => {
  it('every --json a test gets is validated: a document with a field no schema lists, a missing field or a wrong type fails', async () => {
    const doc = JSON.parse((await runCli([fixture('seed-concat.yaml'), '--json'])).stdout);
    assertValidOutput(doc);
    assert.throws(() => assertValidOutput({ ...doc, undocumented: 1 }), /undocumented/);
    const { totals: _dropped, ...withoutTotals } = doc;
    assert.throws(() => assertValidOutput(withoutTotals), /must have required property 'totals'/);
    assert.throws(() => assertValidOutput({ ...doc, layers: [{ ...doc.layers[0], params: '0' }] }), /\/layers\/0\/params must be integer/);
    assert.throws(() => assertValidOutput({ ...doc, schema: 'merge-summary/2' }), /no schema for a document of schema "merge-summary\/2"/);
  });

  it('the shipped schemas let a newer document add fields (the contract adds, never removes)', async () => {
    const doc = JSON.parse((await runCli([fixture('seed-add.yaml'), '--json'])).stdout);
    assert.equal(newAjv().compile(readSchema(OUTPUT_SCHEMAS['merge-summary/1']))({ ...doc, addedLater: true }), true);
  });

  it('a baseline written by check --write-baseline is a merge-summary/1 document', async () => {
    const baseline = join(writeTemp('schema-baseline.json', ''));
    assert.equal((await runCli(['check', fixture('seed-add.yaml'), '--write-baseline', '--baseline', baseline])).status, 0);
    assertValidOutput(JSON.parse(readFileSync(baseline, 'utf8')));
  });

  it('every field of every schema is described in docs/json.md', () => {
    const docs = readFileSync(join(ROOT, 'docs', 'json.md'), 'utf8');
    for (const file of Object.values(OUTPUT_SCHEMAS)) {
      const missing = [...propertyNames(readSchema(file))].filter((name) => !docs.includes(`\`${name}\``));
      assert.deepEqual(missing, [], `${file}: fields docs/json.md does not name`);
    }
  });
});

/** Every property name a schema defines, at any depth. */
function propertyNames(schema: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((item) => propertyNames(item, names));
  else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties') Object.keys(value as object).forEach((name) => names.add(name));
      propertyNames(value, names);
    }
  }
  return names;
}
