import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelSummary } from '../src/analysis/types.js';
import { UserError } from '../src/core/errors.js';
import { analyzeFile } from '../src/pipeline.js';
import { describeError } from '../src/readers/locate.js';

/**
 * The Keras conformance suite (test/conformance/<Class>.json, made by
 * tools/keras-conformance.py with Keras 3.15.1): each case is a spec and the
 * Keras JSON of the same model, with what Keras's model.summary() reports for
 * it, or Keras's refusal. This runs one case through the tool, in process, and
 * says how the tool's answer stands against Keras's.
 */

// Not from ./helpers.js: that loads node:test, which would print a test report after tools/conformance-report.ts's.
export const CONFORMANCE_DIR = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'test', 'conformance');

/** Every case's outcome as last recorded by `npm run conformance`: what the suite's test compares with. */
export const OUTCOMES_FILE = join(CONFORMANCE_DIR, 'outcomes', 'outcomes.json');

export type Shape = (number | null)[];

export interface ExpectedRow {
  name: string;
  type: string;
  outputShape: Shape | Shape[] | null;
  params: number;
  trainable: number;
  nonTrainable: number;
  unbuilt?: boolean;
}

export interface ExpectedTotals {
  params: number;
  trainable: number;
  nonTrainable: number;
}

export type Expected =
  | { outcome: 'ok'; layers: ExpectedRow[]; totals: ExpectedTotals; memory: { total: number; trainable: number; nonTrainable: number } }
  | { outcome: 'error'; stage: 'construct' | 'call'; error: string };

export interface ConformanceCase {
  id: string;
  spec: unknown;
  kerasJson: unknown;
  expected: Expected;
  /** For a case Keras rejects: what keras.models.model_from_json says of its JSON. */
  jsonError?: string;
  /** For a case Keras rejects whose JSON model_from_json builds all the same: what it builds. */
  jsonExpected?: Expected;
  /** For a case Keras builds: present only when model_from_json cannot rebuild it from its own JSON. */
  jsonRoundTrip?: string;
}

export interface ConformanceFile {
  keras: string;
  class: string;
  cases: ConformanceCase[];
}

export type Variant = 'spec' | 'json';

export type Outcome =
  /** Same names, types, output shapes, counts, totals and parameter bytes as Keras. */
  | 'match'
  /** Keras rejects the model, and so does the tool. */
  | 'refused-as-keras'
  /** Keras builds it; the tool refused it for want of a rule for the class. */
  | 'refused-unknown-class'
  /** Keras builds it; the tool refused it for another reason. */
  | 'refused-wrongly'
  /** The tool printed numbers that differ from Keras's, or printed numbers where Keras rejects the model. */
  | 'silent-difference'
  /** The tool failed with an error that is not a user error (a bug). */
  | 'internal-error'
  /** The JSON variant of a case whose model has no sensible Keras JSON. */
  | 'no-json';

export const OUTCOMES: Outcome[] = ['match', 'refused-as-keras', 'refused-unknown-class', 'refused-wrongly', 'silent-difference', 'internal-error', 'no-json'];

export interface CaseResult {
  outcome: Outcome;
  /** For refusals and internal errors: the tool's message. */
  message?: string;
  /** For silent differences: each difference, "where: Keras X, tool Y". */
  differences?: string[];
}

/** Every conformance file, in class order. */
export function loadConformance(dir = CONFORMANCE_DIR): ConformanceFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ConformanceFile);
}

let scratch: string | undefined;
let counter = 0;

/** Runs one case through the tool: its spec, or its Keras JSON. */
export function runCase(testCase: ConformanceCase, variant: Variant): CaseResult {
  const document = variant === 'spec' ? testCase.spec : testCase.kerasJson;
  if (document === null || document === undefined) return { outcome: 'no-json' };
  const expected = variant === 'json' && testCase.jsonExpected ? testCase.jsonExpected : testCase.expected;
  const kerasRejects = expected.outcome === 'error' || (variant === 'json' && testCase.jsonRoundTrip !== undefined);
  if (scratch === undefined) {
    const made = mkdtempSync(join(tmpdir(), 'merge-summary-conformance-'));
    process.on('exit', () => rmSync(made, { recursive: true, force: true }));
    scratch = made;
  }
  const path = join(scratch, `${variant}-${counter++}.json`);
  writeFileSync(path, JSON.stringify(document, null, 1));
  let summary: ModelSummary;
  try {
    summary = analyzeFile(path);
  } catch (error) {
    if (error instanceof UserError) {
      const message = describeError(error).replaceAll(path, `case.${variant}.json`);
      if (kerasRejects) return { outcome: 'refused-as-keras', message };
      if (isUnknownClass(error.message)) return { outcome: 'refused-unknown-class', message };
      return { outcome: 'refused-wrongly', message };
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { outcome: 'internal-error', message: message.replaceAll(path, `case.${variant}.json`) };
  }
  if (kerasRejects) {
    const keras = expected.outcome === 'error' ? (variant === 'json' ? (testCase.jsonError ?? expected.error) : expected.error) : testCase.jsonRoundTrip;
    return { outcome: 'silent-difference', differences: [`Keras rejects it (${firstLine(keras ?? '')}); the tool printed a summary, total ${summary.totals.params} params`] };
  }
  const differences = compare(expected as Extract<Expected, { outcome: 'ok' }>, summary);
  return differences.length === 0 ? { outcome: 'match' } : { outcome: 'silent-difference', differences };
}

/** The tool's refusal of a class it has no rule for (spec: unknown type, or a Keras class no spec describes; Keras JSON: cannot be summarised). */
function isUnknownClass(message: string): boolean {
  return /^unknown layer type "|^layer type "[^"]+" cannot be summarised from a spec: |\) cannot be summarised: /.test(message);
}

/** The gist of Keras's message: its first line, or the cause a deserialization error wraps. */
function firstLine(text: string): string {
  const marker = 'Exception encountered: ';
  const cause = text.includes(marker) ? text.slice(text.lastIndexOf(marker) + marker.length) : text;
  const lines = cause.split('\n').filter((l) => l.trim() !== '');
  // "ValueError: Exception encountered when calling Cropping2D.call()." says where; the next line says why.
  const line = /Exception encountered when calling \S+\.$/.test(lines[0] ?? '') && lines.length > 1 ? `${lines[0]} ${lines[1]}` : (lines[0] ?? '');
  return line.length > 240 ? `${line.slice(0, 237)}...` : line;
}

/** Every difference between Keras's rows and totals and the tool's, in words. */
export function compare(expected: Extract<Expected, { outcome: 'ok' }>, summary: ModelSummary): string[] {
  const differences: string[] = [];
  const tool = summary.layers;
  const count = Math.max(expected.layers.length, tool.length);
  if (expected.layers.length !== tool.length) {
    differences.push(`rows: Keras ${expected.layers.length} (${expected.layers.map((r) => r.name).join(', ')}), tool ${tool.length} (${tool.map((r) => r.name).join(', ')})`);
  }
  for (let i = 0; i < count && expected.layers.length === tool.length; i++) {
    const want = expected.layers[i];
    const got = tool[i];
    const where = `row ${i} ${want.name}`;
    if (want.name !== got.name) differences.push(`${where}: name Keras ${want.name}, tool ${got.name}`);
    if (want.type !== got.type) differences.push(`${where}: type Keras ${want.type}, tool ${got.type}`);
    if (JSON.stringify(want.outputShape) !== JSON.stringify(got.outputShape)) {
      differences.push(`${where}: output shape Keras ${formatShapes(want.outputShape)}, tool ${formatShapes(got.outputShape)}`);
    }
    for (const key of ['params', 'trainable', 'nonTrainable'] as const) {
      if (want[key] !== got[key]) differences.push(`${where}: ${key} Keras ${want[key]}, tool ${got[key]}`);
    }
  }
  for (const key of ['params', 'trainable', 'nonTrainable'] as const) {
    if (expected.totals[key] !== summary.totals[key]) differences.push(`total ${key}: Keras ${expected.totals[key]}, tool ${summary.totals[key]}`);
  }
  // The bytes Keras prints beside each total ("Total params: 36 (72.00 B)"): the weights' dtypes, not only their count.
  const bytes = { total: summary.totals.bytes, trainable: summary.totals.trainableBytes, nonTrainable: summary.totals.nonTrainableBytes };
  for (const key of ['total', 'trainable', 'nonTrainable'] as const) {
    if (expected.memory[key] !== bytes[key]) differences.push(`${key} params size: Keras ${expected.memory[key]} B, tool ${bytes[key]} B`);
  }
  return differences;
}

export function formatShapes(shape: unknown): string {
  if (shape === null || shape === undefined) return '?';
  if (Array.isArray(shape) && shape.length > 0 && shape.every((s) => Array.isArray(s))) return `[${shape.map(formatShapes).join(', ')}]`;
  if (Array.isArray(shape)) return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
  return JSON.stringify(shape);
}

/** One case's outcomes, as the report and the coverage section count them. */
export interface CaseOutcomes {
  className: string;
  kerasOutcome: 'ok' | 'error';
  results: Record<Variant, CaseResult>;
}

/** The README's layer-coverage section lies between these lines; `npm run conformance` writes it. */
export const COVERAGE_BEGIN = '<!-- layer-coverage: written by npm run conformance from test/conformance/; do not edit by hand -->';
export const COVERAGE_END = '<!-- /layer-coverage -->';

/** The class a refusal for want of a rule names: `unknown layer type "X"` or `layer type "X" cannot be summarised from a spec` (spec), `"name" (X) cannot be summarised` (Keras JSON). */
export function unknownType(message: string): string {
  return /(?:unknown )?layer type "([^"]+)"/.exec(message)?.[1] ?? /\(([^()]+)\) cannot be summarised/.exec(message)?.[1] ?? '?';
}

/**
 * The coverage section of the README, from every case's outcomes: how many
 * classes the tool covers (each of their cases gives Keras's numbers or is
 * refused where Keras refuses it), the cases per outcome for specs and for
 * Keras JSON, and the classes it has no rule for.
 */
export function coverageSection(files: ConformanceFile[], rows: CaseOutcomes[]): string {
  const variants: Variant[] = ['spec', 'json'];
  const count = (variant: Variant, outcome: Outcome) => rows.filter((row) => row.results[variant].outcome === outcome).length;
  const fine: Outcome[] = ['match', 'refused-as-keras', 'no-json'];
  const covered = (variant: Variant) => files.filter((file) => rows.filter((row) => row.className === file.class).every((row) => fine.includes(row.results[variant].outcome))).length;
  const builds = rows.filter((row) => row.kerasOutcome === 'ok').length;
  const cells = (value: (variant: Variant) => number, of?: number) => variants.map((variant) => `${value(variant)}${of === undefined ? '' : ` of ${of}`}`).join(' | ');
  const withoutRule = new Set(rows.flatMap((row) => variants.filter((v) => row.results[v].outcome === 'refused-unknown-class').map((v) => unknownType(row.results[v].message ?? ''))));
  const noJson = count('json', 'no-json');
  const lines = [
    COVERAGE_BEGIN,
    `Against the conformance suite: ${rows.length} cases of ${files.length} Keras ${files[0]?.keras ?? '?'} layer classes, ${builds} that Keras builds and ${rows.length - builds} that it rejects, each run as a spec and as a Keras JSON file${noJson > 0 ? ` (${noJson} have no JSON a file could hold)` : ''}. [test/conformance/REPORT.md](test/conformance/REPORT.md) has every class and every case that is not yet Keras's.`,
    '',
    '| | spec | Keras JSON |',
    '| --- | ---: | ---: |',
    `| classes covered: every case Keras's numbers, or refused where Keras refuses it | ${cells(covered, files.length)} |`,
    `| cases with Keras's names, shapes, counts and parameter bytes | ${cells((v) => count(v, 'match'))} |`,
    `| cases refused as Keras refuses them | ${cells((v) => count(v, 'refused-as-keras'))} |`,
    `| cases refused for want of a rule for the class | ${cells((v) => count(v, 'refused-unknown-class'))} |`,
    `| cases refused although Keras builds them | ${cells((v) => count(v, 'refused-wrongly'))} |`,
    `| cases whose numbers differ from Keras's, or summarised where Keras refuses | ${cells((v) => count(v, 'silent-difference'))} |`,
    '',
    withoutRule.size === 0 ? 'Every class has a rule.' : `Classes refused for want of a rule: ${[...withoutRule].sort((a, b) => a.localeCompare(b)).join(', ')}.`,
    COVERAGE_END,
  ];
  return lines.join('\n');
}

/** A document with its coverage section (between COVERAGE_BEGIN and COVERAGE_END) replaced. */
export function withCoverageSection(document: string, section: string): string {
  const begin = document.indexOf(COVERAGE_BEGIN);
  const end = document.indexOf(COVERAGE_END);
  if (begin < 0 || end < begin) throw new Error('the document has no layer-coverage section to replace');
  return document.slice(0, begin) + section + document.slice(end + COVERAGE_END.length);
}
