import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BIN, ROOT, fixture, spawnCli, writeTemp } from './helpers.js';

/**
 * The real binary in a process of its own, for what only a process shows:
 * the exit status a shell sees, pipes, terminals' colour settings, the
 * source map of --debug. Everything else runs the CLI in-process (runCli).
 */
describe('the binary, end to end', () => {
  it('exit status 0 for a summary, 1 for a model over budget, 2 for a bad spec (FILE:LINE:COL, no stack trace)', () => {
    const ok = spawnCli([fixture('seed-add.yaml')]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /Total params: 6,513,682/);
    assert.equal(ok.stderr, '');

    const over = spawnCli(['check', fixture('seed-concat.yaml'), '--max-params', '8M']);
    assert.equal(over.status, 1);
    assert.match(over.stdout, /FAIL/);

    const bad = writeTemp('e2e-bad.yaml', 'inputs:\n  - {shape: [4]}\nlayers:\n  - {type: Dense, units: 0}\n');
    const refused = spawnCli([bad]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /e2e-bad\.yaml:4:19: layer "dense" \(Dense\): "units" must be a positive whole number, not 0/);
    assert.doesNotMatch(refused.stderr, /\n\s+at /);
  });

  it('a pipe closed early (merge-summary model | head -1) ends quietly with status 0', async () => {
    const child = spawn(process.execPath, [BIN, fixture('densenet121.yaml'), '--merges', 'all'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Like head -1: read the first chunk, then close the reading end.
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    assert.match(first, /^Model: "densenet121"/);
    assert.equal(status, 0);
    assert.equal(stderr, '');
  });

  it('a write error on standard output (> /dev/full) is status 2 with a message, never 1', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const result = spawnCli([fixture('seed-add.yaml')], { stdout: full });
      assert.equal(result.status, 2);
      assert.match(result.stderr, /^merge-summary: cannot write to standard output: .*(ENOSPC|no space)/im);
    } finally {
      closeSync(full);
    }
  });

  // NO_COLOR and --no-color are the CLI's own reading of its environment: tested in-process (render.test.ts).
  it('colour only on a terminal or with FORCE_COLOR, and colour changes nothing else', () => {
    const ANSI = /\u001b\[[0-9;]*m/;
    const piped = spawnCli([fixture('seed-add.yaml'), '--width', '100']);
    assert.doesNotMatch(piped.stdout, ANSI);
    const forced = spawnCli([fixture('seed-add.yaml'), '--width', '100'], { env: { FORCE_COLOR: '1' } });
    assert.match(forced.stdout, ANSI);
    assert.equal(forced.stdout.replace(/\u001b\[[0-9;]*m/g, ''), piped.stdout);
  });

  it('--debug: the stack trace names our source files, through the bundle\'s source map', () => {
    const bad = writeTemp('e2e-debug.yaml', 'inputs:\n  - {shape: [4]}\nlayers:\n  - {type: Dense, units: 0}\n');
    const result = spawnCli([bad, '--debug']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /\n\s+at \S+ \(.*src[\\/]model[\\/]layer-factory\.ts:\d+:\d+\)/);
  });

  it('--version: the version, tfjs, and the kernel backend', () => {
    const result = spawnCli(['--version']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^merge-summary \d+\.\d+\.\d+\ntfjs 4\.22\.0; .*\nkernel backend: /);
  });
});
