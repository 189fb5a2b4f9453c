import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { COVERAGE_BEGIN, COVERAGE_END, OUTCOMES, OUTCOMES_FILE, coverageSection, loadConformance, runCase, type CaseResult, type Outcome, type Variant } from './conformance-runner.js';
import { ROOT } from './helpers.js';

/**
 * The tool against Keras 3.15.1 on every case of the conformance suite
 * (test/conformance/, made by tools/keras-conformance.py): each model as a
 * spec and as the Keras JSON of the same model. A silent difference (numbers
 * that differ from Keras's, or a summary of a model Keras rejects) or an
 * internal error fails; every other outcome must be the one recorded by
 * `npm run conformance`, so that a refusal gained or lost is seen in review.
 */
const VARIANTS: Variant[] = ['spec', 'json'];
const files = loadConformance();
const recorded = JSON.parse(readFileSync(OUTCOMES_FILE, 'utf8')) as Record<string, Record<Variant, Outcome>>;
const results = files.flatMap((file) =>
  file.cases.map((testCase) => ({ className: file.class, id: testCase.id, kerasOutcome: testCase.expected.outcome, spec: runCase(testCase, 'spec'), json: runCase(testCase, 'json') })),
);

function listed(rows: typeof results, variant: Variant, describe: (result: CaseResult) => string): string {
  return rows.map((row) => `${row.id} (${variant}): ${describe(row[variant])}`).join('\n');
}

describe('Keras conformance (test/conformance/)', () => {
  it('counts per outcome', (t) => {
    for (const variant of VARIANTS) {
      const counts = OUTCOMES.map((outcome) => `${outcome} ${results.filter((row) => row[variant].outcome === outcome).length}`);
      t.diagnostic(`${variant}: ${results.length} cases: ${counts.join(', ')}`);
    }
    assert.equal(results.length, Object.keys(recorded).length, 'every case has a recorded outcome (npm run conformance)');
  });

  it('no internal error', () => {
    for (const variant of VARIANTS) {
      const failed = results.filter((row) => row[variant].outcome === 'internal-error');
      assert.equal(failed.length, 0, listed(failed, variant, (r) => r.message ?? ''));
    }
  });

  it('every outcome is the one recorded by npm run conformance', () => {
    const changed = VARIANTS.flatMap((variant) =>
      results.filter((row) => recorded[row.id]?.[variant] !== row[variant].outcome).map((row) => `${row.id} (${variant}): recorded ${recorded[row.id]?.[variant] ?? 'nothing'}, now ${row[variant].outcome}${row[variant].message ? `: ${row[variant].message}` : ''}`),
    );
    assert.deepEqual(changed, [], 'outcomes changed; if for the better, record them with npm run conformance');
  });

  it("the README's layer coverage is these outcomes' (npm run conformance writes it)", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const begin = readme.indexOf(COVERAGE_BEGIN);
    const end = readme.indexOf(COVERAGE_END);
    assert.ok(begin >= 0 && end > begin, 'README.md has the layer-coverage section');
    const rows = results.map((row) => ({ className: row.className, kerasOutcome: row.kerasOutcome, results: { spec: row.spec, json: row.json } }));
    assert.equal(readme.slice(begin, end + COVERAGE_END.length), coverageSection(files, rows), 'the layer coverage in README.md is out of date: run npm run conformance');
  });

  it('no silent difference: every number is Keras\'s, and no model Keras rejects is summarised', () => {
    for (const variant of VARIANTS) {
      const silent = results.filter((row) => row[variant].outcome === 'silent-difference');
      assert.equal(silent.length, 0, listed(silent, variant, (r) => (r.differences ?? []).join('; ')));
    }
  });
});
