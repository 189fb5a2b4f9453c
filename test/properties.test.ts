import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fuzzCase } from './fuzz/cases.js';
import { nonFinite, runCase } from './fuzz/run-case.js';
import { scratchDir } from './helpers.js';

/**
 * The invariants of every run, on generated inputs (test/fuzz/cases.ts):
 * specs from a grammar of Keras layers, real Keras JSON mutated, archives,
 * raw bytes; each run in this process, in a folder of its own. `npm run
 * fuzz` runs thousands, each in a worker it can stop; here a few hundred
 * with a fixed seed, so that a failure is the same on every machine.
 */
const SEED = 15_2025;
const RUNS = 200;
/** Far beyond any case's need (tens of milliseconds): a case over it is a hang, not a slow machine. */
const HANG_MS = 10_000;

describe('any input gives a summary with exact numbers, or a located refusal', () => {
  it(`${RUNS} generated cases`, async () => {
    const dir = join(scratchDir(), 'property');
    await fc.assert(
      fc.asyncProperty(fuzzCase(), async (fuzz) => {
        const outcome = await runCase(fuzz, dir);
        assert.deepEqual(outcome.details, [], `${fuzz.label}: ${outcome.stderr.slice(0, 400)}`);
        assert.ok(outcome.ms < HANG_MS, `${fuzz.label} took ${Math.round(outcome.ms)} ms`);
      }),
      // A failure is shrunk to its smallest case, but never for long: shrinking a failing archive case once ran out of memory.
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 120_000, markInterruptAsFailure: true },
    );
  });
});

describe('the judge of exactness', () => {
  const judge = (layer: Record<string, unknown>, totals: Record<string, unknown> = {}) => nonFinite(JSON.stringify({ layers: [layer], totals }), true);

  it('flags a cost that is no exact whole number: a fraction, past 2^53, negative', () => {
    assert.deepEqual(judge({ macs: 1.5 }), ['layers.0.macs = 1.5']);
    assert.deepEqual(judge({ activationBytes: 2 ** 60 }), [`layers.0.activationBytes = ${2 ** 60}`]);
    assert.deepEqual(judge({ macsPerStep: -4 }, { peakActivationBytes: '1 MB' }), ['layers.0.macsPerStep = -4', 'totals.peakActivationBytes = "1 MB"']);
  });

  it('takes an unknown cost (null, with why) and a change that is negative', () => {
    assert.deepEqual(judge({ macs: null, macsWhy: 'an unknown dimension', activationBytes: 0 }, { totalMacsChange: -1_572_864, macs: 5_061_476_592 }), []);
  });
});
