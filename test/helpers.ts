import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'merge-summary.js');

/**
 * The project's shared folder beside the repository (../shared), or where
 * MERGE_SUMMARY_SHARED says (a worktree elsewhere): third-party model files
 * the repository may not hold. Suites that read them skip without it.
 */
export const SHARED = process.env.MERGE_SUMMARY_SHARED ?? join(ROOT, '..', 'shared');
export const REAL_MODELS = join(SHARED, 'real-models');
/** false, or why suites of third-party files are skipped (node:test's skip takes a reason). */
export const WITHOUT_REAL_MODELS: false | string = existsSync(join(REAL_MODELS, 'SOURCES.md')) ? false : `no ${REAL_MODELS}/SOURCES.md (set MERGE_SUMMARY_SHARED)`;

export function fixture(name: string): string {
  return join(ROOT, 'fixtures', name);
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, with colour off unless the test turns it on. */
export function runCli(args: string[], options: { input?: string | Buffer; env?: Record<string, string | undefined>; cwd?: string } = {}): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const result = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input,
    env: env as NodeJS.ProcessEnv,
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let scratch: string | undefined;

/** Writes a file in a fresh temporary folder and gives its path. */
export function writeTemp(name: string, text: string | Buffer): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'merge-summary-test-'));
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}
