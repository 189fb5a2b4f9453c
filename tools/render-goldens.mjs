// Writes test/golden/render/* from the built CLI, one file per case of
// test/golden/render/cases.json (the test runs the same cases and compares).
// Run after a change to the rendering that is the point: npm run goldens.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const folder = join(root, 'test', 'golden', 'render');
const cases = JSON.parse(readFileSync(join(folder, 'cases.json'), 'utf8'));

/** The environment of a piped run: no colour settings, no COLUMNS, unless the case sets them. */
export function caseEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  for (const key of ['NO_COLOR', 'FORCE_COLOR', 'COLUMNS']) if (!(key in extra)) delete env[key];
  return env;
}

for (const { golden, args, env } of cases) {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'merge-summary.js'), ...args], { cwd: root, env: caseEnv(env), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${golden}: exit ${result.status}: ${result.stderr}`);
  writeFileSync(join(folder, golden), result.stdout);
  console.log(`wrote test/golden/render/${golden}`);
}
