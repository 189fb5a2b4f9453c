import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capturingIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { FuzzCase } from './cases.js';

/**
 * Runs one fuzz case with the CLI in this process, in a folder of its own,
 * and judges the result against the invariants every input must meet:
 *
 * - exit 0 with every shape finite and positive (or None) and every count
 *   an exact whole number; or exit 2 with a message that says where (the
 *   file, with a line and column for a spec, or the layer by name), with no
 *   stack trace, no "internal error" and no JavaScript in it; exit 1 only
 *   where it means "over budget" or "differ";
 * - no file but the declared output is created, changed or removed.
 */
export type Problem = 'data-loss' | 'internal-error' | 'unlocated' | 'raw-message' | 'non-finite' | 'bad-status';

export interface Outcome {
  status: number;
  ms: number;
  problems: Problem[];
  /** What was wrong, for the report of a failing case. */
  details: string[];
  stderr: string;
}

export async function runCase(fuzz: FuzzCase, dir: string): Promise<Outcome> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of fuzz.files) writeFileSync(join(dir, file.name), file.content);
  const before = snapshot(dir);
  const args = fuzz.args.map((arg) => (arg.startsWith('@') ? join(dir, arg.slice(1)) : arg));
  const captured = capturingIo({ NO_COLOR: '1' }, { columns: 100 });
  const start = performance.now();
  let status: number;
  try {
    status = await main(args, captured.io);
  } catch (error) {
    status = -1;
    captured.io.stderr.write(`main threw: ${(error as Error).stack ?? String(error)}\n`);
  }
  const ms = performance.now() - start;
  const stdout = captured.stdout();
  const stderr = captured.stderr();
  const problems = new Set<Problem>();
  const details: string[] = [];
  const fail = (problem: Problem, detail: string) => {
    problems.add(problem);
    details.push(`${problem}: ${detail}`);
  };

  const after = snapshot(dir);
  const output = fuzz.output === undefined ? undefined : join(dir, fuzz.output);
  for (const path of new Set([...before.keys(), ...after.keys()])) {
    if (path === output) continue;
    if (before.get(path) !== after.get(path)) fail('data-loss', `${path.slice(dir.length + 1)} ${!after.has(path) ? 'removed' : !before.has(path) ? 'created' : 'changed'}`);
  }

  const allowed = fuzz.args[0] === 'check' || (fuzz.args[0] === 'diff' && fuzz.args.includes('--exit-code')) ? [0, 1, 2] : [0, 2];
  if (!allowed.includes(status)) fail('bad-status', `exit ${status}`);
  if (/internal error|main threw|\n\s+at [^\n]+:\d+:\d+\)?\n/.test(stderr)) fail('internal-error', firstLine(stderr));
  if (status === 2) {
    const message = errorMessage(fuzz.args[0] === 'check', stdout, stderr);
    if (!isLocated(message, dir)) fail('unlocated', message);
    const raw = /\bundefined\b|\bNaN\b|\[object Object\]|Cannot read propert|is not a function|is not iterable|Cannot convert|Maximum call stack|function \w*\(\)/.exec(stderr);
    if (raw) fail('raw-message', message);
  }
  if (status === 0 || status === 1) {
    for (const problem of nonFinite(stdout, fuzz.args.includes('--json'))) fail('non-finite', problem);
  }
  return { status, ms, problems: [...problems], details, stderr };
}

/**
 * The message of an exit 2. `check` reports a spec it cannot check in its
 * report, with the others (an ERROR line, or the result's error in --json),
 * and writes to standard error only for a problem of the whole command.
 */
function errorMessage(isCheck: boolean, stdout: string, stderr: string): string {
  if (!isCheck || firstLine(stderr) !== '') return firstLine(stderr);
  try {
    const report = JSON.parse(stdout) as { results?: { error?: { message?: string } }[] };
    return report.results?.find((result) => result.error)?.error?.message ?? '';
  } catch {
    return /^ERROR (.*)$/m.exec(stdout)?.[1] ?? '';
  }
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '' && !line.startsWith('warning:')) ?? '';
}

/**
 * Whether an error message says where: `FILE:LINE:COL:` or `FILE:` for the
 * input (a whole-file problem: binary, too large, not a zip), a layer by
 * name, or an error about the command line itself (naming an option).
 */
function isLocated(message: string, dir: string): boolean {
  if (message.startsWith(dir)) {
    const rest = message.slice(dir.length);
    return /^\/[^:]+:(\d+:\d+: |\d+: |[^\d])/.test(rest);
  }
  return /layer "[^"]*"|--[a-z-]+|-o |refusing to write|cannot write|nothing to check/.test(message);
}

/** Every file under a folder with a digest of its content: what a run may not change. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(path, createHash('sha1').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(dir);
  return files;
}

/** The cost fields of the JSON documents (docs/json.md) and their per-step and fixed parts. */
const COST = /^(macs|totalMacs|alternativeMacs|activationBytes|alternativeActivationBytes|peakActivationBytes|inputBytes|forwardBackwardBytes|estimatedTotalBytes|macsChange|totalMacsChange|peakActivationBytesChange)(PerStep|Fixed)?$/;

/** Shapes with a dimension that is not None or a positive whole number, counts that are not exact. */
export function nonFinite(stdout: string, json: boolean): string[] {
  const found: string[] = [];
  if (json) {
    let doc: unknown;
    try {
      doc = JSON.parse(stdout);
    } catch {
      return [`stdout is not JSON: ${stdout.slice(0, 80)}`];
    }
    walk(doc, [], (path, value) => {
      const key = String(path[path.length - 1]);
      const inShape = path.some((step) => typeof step === 'string' && /shape/i.test(step));
      if (inShape && typeof path[path.length - 1] === 'number' && value !== null && !Array.isArray(value)) {
        if (!(typeof value === 'number' && Number.isSafeInteger(value) && value > 0)) found.push(`${path.join('.')} = ${JSON.stringify(value)}`);
      }
      if (/^(params|trainable|nonTrainable|bytes|trainableBytes|nonTrainableBytes|totalParams|trainableParams)$/.test(key) && (value === null || typeof value !== 'object')) {
        if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) found.push(`${path.join('.')} = ${JSON.stringify(value)}`);
      }
      // Costs (docs/json.md): exact whole numbers, or null where a companion NAMEWhy / NAMEPerStep says why; changes may be negative.
      if (COST.test(key) && value !== null && typeof value !== 'object') {
        const exact = typeof value === 'number' && Number.isSafeInteger(value) && (key.includes('Change') || value >= 0);
        if (!exact) found.push(`${path.join('.')} = ${JSON.stringify(value)}`);
      }
    });
    return found;
  }
  const odd = /\bNaN\b|\bundefined\b|Infinity|\d[eE]\+\d|\[object Object\]/.exec(stdout);
  if (odd) found.push(`text output holds "${odd[0]}"`);
  for (const tuple of stdout.match(/\((?:None|-?\d+)(?:, (?:None|-?\d+))*\)/g) ?? []) {
    if (/(?:\(|, )(?:-\d+|0)(?=[,)])/.test(tuple)) found.push(`shape ${tuple}`);
  }
  return found;
}

function walk(value: unknown, path: (string | number)[], visit: (path: (string | number)[], value: unknown) => void): void {
  visit(path, value);
  if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, i], visit));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) walk(item, [...path, key], visit);
}
