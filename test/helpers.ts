import { spawnSync } from 'node:child_process';
import fs, { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { capturingIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { loadHdf5Library } from '../src/readers/hdf5.js';
import { assertValidOutput } from './json-schemas.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'merge-summary.js');

/**
 * The third-party model files of ../shared/real-models (unknown licence, so
 * never in the repository): present in CI and on developers' machines,
 * absent in a user's clone. MERGE_SUMMARY_SHARED, when set, is the folder that
 * holds real-models/ instead of ../shared.
 */
export const SHARED = process.env.MERGE_SUMMARY_SHARED ?? join(ROOT, '..', 'shared');
export const REAL_MODELS = join(SHARED, 'real-models');
export const HAS_REAL_MODELS = existsSync(join(REAL_MODELS, 'SOURCES.md'));
/** false, or why suites of third-party files are skipped (node:test's skip takes a reason). */
export const WITHOUT_REAL_MODELS: false | string = HAS_REAL_MODELS ? false : `no ${REAL_MODELS}/SOURCES.md here (the third-party model files live beside the repository, not in it; set MERGE_SUMMARY_SHARED to the folder that holds real-models/ to run them)`;

export function fixture(name: string): string {
  return join(ROOT, 'fixtures', name);
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a run: the test's own, without colour settings unless a test sets them. */
function cliEnv(env: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, COLUMNS: undefined, ...env };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return merged;
}

/**
 * Runs the CLI as a user would, in this process (main with captured streams):
 * the same code as the binary, without a process start per test.
 */
export async function runCli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliResult> {
  const captured = capturingIo(cliEnv(options.env));
  const before = process.cwd();
  if (options.cwd) process.chdir(options.cwd);
  try {
    const status = await main(args, captured.io);
    return validated(args, { status, stdout: captured.stdout(), stderr: captured.stderr() });
  } finally {
    process.chdir(before);
  }
}

/** Every --json document a test gets is checked against its schema in schemas/ (test/json-schemas.ts). */
function validated(args: string[], result: CliResult): CliResult {
  if (args.includes('--json') && result.stdout.trim() !== '') assertValidOutput(JSON.parse(result.stdout));
  return result;
}

/**
 * Runs the built binary in a process of its own: for what only a process
 * shows (standard input, signals, pipes, the exit status the shell sees).
 */
export function spawnCli(args: string[], options: { input?: string | Buffer; env?: Record<string, string | undefined>; cwd?: string; stdout?: number } = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input,
    stdio: ['pipe', options.stdout ?? 'pipe', 'pipe'],
    env: cliEnv(options.env) as NodeJS.ProcessEnv,
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    // A deep model's --json is megabytes; spawnSync's default buffer is one.
    maxBuffer: 256 * 1024 * 1024,
  });
  return validated(args, { status: result.status, stdout: result.stdout, stderr: result.stderr });
}

let scratch: string | undefined;

// Registered when this module loads, outside any test: a hook of the whole
// file, run once its last test has ended.
after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A fresh temporary folder for this test file, removed when its tests end. */
export function scratchDir(): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'merge-summary-test-'));
  return scratch;
}

/** Writes a file in this test file's temporary folder and gives its path. */
export function writeTemp(name: string, text: string | Buffer): string {
  const path = join(scratchDir(), name);
  writeFileSync(path, text);
  return path;
}

/**
 * Runs `work` counting the bytes read through fs.readSync meanwhile (every
 * file reader of the tool reads that way): the proof that a summary reads a
 * file's structure, not its weights.
 */
export function countingBytesRead<T>(work: () => T): { result: T; bytesRead: number } {
  let bytesRead = 0;
  const readSync = fs.readSync;
  fs.readSync = ((...args: Parameters<typeof fs.readSync>) => {
    const count = readSync(...args);
    bytesRead += count;
    return count;
  }) as typeof fs.readSync;
  // ES modules that imported readSync by name see the counting one too.
  syncBuiltinESMExports();
  try {
    return { result: work(), bytesRead };
  } finally {
    fs.readSync = readSync;
    syncBuiltinESMExports();
  }
}

export type H5wasm = typeof import('h5wasm/node');

/**
 * h5wasm, to write or edit HDF5 files in a test, loaded the way the tool
 * loads it (its WebAssembly compiled once, by the tool's HDF5 reader).
 */
export async function h5wasmForTests(): Promise<H5wasm> {
  await loadHdf5Library();
  const h5 = (await import('h5wasm/node')) as H5wasm;
  await h5.ready;
  return h5;
}
