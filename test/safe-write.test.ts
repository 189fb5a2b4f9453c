import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, ROOT, fixture, runCli, scratchDir } from './helpers.js';

const SEED = readFileSync(fixture('seed-add.yaml'), 'utf8');

/** A fresh folder in this file's scratch space, holding a copy of the seed spec as spec.yaml. */
function folder(name: string): { dir: string; spec: string } {
  const dir = join(scratchDir(), name);
  mkdirSync(dir, { recursive: true });
  const spec = join(dir, 'spec.yaml');
  writeFileSync(spec, SEED);
  return { dir, spec };
}

/** No temporary file of a write is left behind. */
function assertNoTemporaries(dir: string): void {
  assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), []);
}

describe('writes that cannot destroy a file', () => {
  it('a baseline never replaces the spec it is made from, by name or through a link', async () => {
    const { dir, spec } = folder('input-as-output');
    const same = await runCli(['check', spec, '--write-baseline', '--baseline', spec]);
    assert.equal(same.status, 2);
    assert.match(same.stderr, /refusing to write a baseline to .*spec\.yaml: it is an input of this command and would be destroyed/);
    const link = join(dir, 'baseline.json');
    symlinkSync(spec, link);
    const linked = await runCli(['check', spec, '--write-baseline', '--baseline', link]);
    assert.equal(linked.status, 2);
    assert.match(linked.stderr, /baseline\.json: it is the same file as the input .*spec\.yaml/);
    assert.equal(readFileSync(spec, 'utf8'), SEED);
  });

  it('a picture never replaces its model or the model it is compared with', async () => {
    const { dir, spec } = folder('picture-over-input');
    const dot = join(dir, 'm.dot');
    writeFileSync(dot, SEED);
    assert.equal((await runCli(['graph', dot, '-o', dot])).status, 2);
    const svg = join(dir, 'c.svg');
    writeFileSync(svg, SEED);
    const compared = await runCli(['graph', spec, '--compare', svg, '-o', svg]);
    assert.equal(compared.status, 2);
    assert.match(compared.stderr, /refusing to write the picture to .*c\.svg: it is an input/);
    assert.equal(readFileSync(dot, 'utf8'), SEED);
    assert.equal(readFileSync(svg, 'utf8'), SEED);
  });

  it('an existing file is replaced only when merge-summary wrote it, or with --force', async () => {
    const { dir, spec } = folder('existing');
    const mine = join(dir, 'mine.svg');
    writeFileSync(mine, '<svg>a drawing of my own</svg>\n');
    const refused = await runCli(['graph', spec, '-o', mine]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /mine\.svg exists and is not a file merge-summary wrote; refusing to replace it .*--force/);
    assert.equal(readFileSync(mine, 'utf8'), '<svg>a drawing of my own</svg>\n');
    assert.equal((await runCli(['graph', spec, '-o', mine, '--force'])).status, 0);
    for (const extension of ['svg', 'png', 'dot', 'mmd']) {
      const picture = join(dir, `again.${extension}`);
      assert.equal((await runCli(['graph', spec, '-o', picture])).status, 0);
      const again = await runCli(['graph', spec, '-o', picture, '--rankdir', 'LR']);
      assert.equal(again.status, 0, `a .${extension} merge-summary wrote is replaced: ${again.stderr}`);
    }
    const baseline = join(dir, 'baseline.json');
    writeFileSync(baseline, '{"my": "notes"}\n');
    assert.equal((await runCli(['check', spec, '--write-baseline', '--baseline', baseline])).status, 2);
    assert.equal(readFileSync(baseline, 'utf8'), '{"my": "notes"}\n');
    writeFileSync(baseline, (await runCli([spec, '--json'])).stdout);
    assert.equal((await runCli(['check', spec, '--write-baseline', '--baseline', baseline])).status, 0, 'a merge-summary/1 document is a baseline');
    assertNoTemporaries(dir);
  });

  it('a link is written through, the mode is kept, a read-only file is refused', async () => {
    const { dir, spec } = folder('links-and-modes');
    mkdirSync(join(dir, 'real'));
    const real = join(dir, 'real', 'picture.dot');
    const link = join(dir, 'picture.dot');
    assert.equal((await runCli(['graph', spec, '-o', real])).status, 0);
    chmodSync(real, 0o600);
    symlinkSync(join('real', 'picture.dot'), link);
    assert.equal((await runCli(['graph', spec, '-o', link, '--rankdir', 'LR'])).status, 0);
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link stays a link');
    assert.equal(readlinkSync(link), join('real', 'picture.dot'));
    assert.match(readFileSync(real, 'utf8'), /rankdir=LR/, 'the target has the new content');
    assert.equal(statSync(real).mode & 0o777, 0o600);
    chmodSync(real, 0o444);
    const readOnly = await runCli(['graph', spec, '-o', real]);
    assert.equal(readOnly.status, 2);
    assert.match(readOnly.stderr, /picture\.dot: the file is read-only/);
    const dangling = join(dir, 'dangling.dot');
    symlinkSync(join('real', 'new.dot'), dangling);
    assert.equal((await runCli(['graph', spec, '-o', dangling])).status, 0);
    assert.ok(lstatSync(dangling).isSymbolicLink());
    assert.match(readFileSync(join(dir, 'real', 'new.dot'), 'utf8'), /^\/\/ made by merge-summary\ndigraph/);
  });

  it('a failed write leaves no temporary file and names the path the user gave', async () => {
    const { dir, spec } = folder('failed');
    mkdirSync(join(dir, 'x.svg'));
    const folderTarget = await runCli(['graph', spec, '-o', join(dir, 'x.svg')]);
    assert.equal(folderTarget.status, 2);
    assert.match(folderTarget.stderr, /x\.svg: it is a folder/);
    assert.doesNotMatch(folderTarget.stderr, /\.tmp/);
    const missing = await runCli(['graph', spec, '-o', join(dir, 'no', 'such', 'x.svg')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot write .*x\.svg: there is no folder .*no\/such/);
    assertNoTemporaries(dir);
  });

  it('--write-baseline says where to write when no baseline is given', async () => {
    const { spec } = folder('no-target');
    const result = await runCli(['check', spec, '--write-baseline']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--write-baseline needs to know where: add --baseline FILE .* or --baseline-dir DIR/);
  });

  it('--baseline-dir never writes into a folder being checked, and check never reads baselines as models', async () => {
    const { dir, spec } = folder('checked-folder');
    const into = await runCli(['check', dir, '--baseline-dir', `${dir}/`, '--write-baseline']);
    assert.equal(into.status, 2);
    assert.match(into.stderr, /--baseline-dir .* is the folder being checked/);
    assert.deepEqual(readdirSync(dir), ['spec.yaml']);
    // A baseline next to a spec named on its own is allowed, and a later check of the folder skips it.
    assert.equal((await runCli(['check', spec, '--baseline-dir', dir, '--write-baseline'])).status, 0);
    assert.deepEqual(readdirSync(dir).sort(), ['spec.json', 'spec.yaml']);
    const again = await runCli(['check', dir, '--max-params', '10M', '--json']);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout).results.map((r: { spec: string }) => r.spec), [join(dir, 'spec.yaml')]);
  });

  // The superuser reads and writes everything; the check runs as nobody then, who must be able to reach the checkout.
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const reachable = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(BIN)}, require('fs').constants.R_OK)`], asUser).status === 0;
  it('unreadable folders and unwritable parents are exit 2 with the reason', { skip: reachable ? false : `the checkout is not readable by the user the check runs as (uid ${process.getuid?.() === 0 ? 65534 : process.getuid?.()}): a folder made by mktemp -d?` }, () => {
    const { dir, spec } = folder('permissions');
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    writeFileSync(join(locked, 'm.yaml'), SEED);
    chmodSync(locked, 0o000);
    for (const parent of [scratchDir(), dir]) chmodSync(parent, 0o755);
    const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', ...asUser });
    const unreadable = run(['check', locked, '--max-params', '1M']);
    assert.equal(unreadable.status, 2, unreadable.stderr);
    assert.match(unreadable.stderr, /locked: cannot read the folder: permission denied/);
    chmodSync(spec, 0o644);
    // Readable, but no new entry can be made in it.
    chmodSync(locked, 0o555);
    const unwritable = run(['check', spec, '--baseline-dir', join(locked, 'baselines'), '--write-baseline', '--width', '400']);
    assert.equal(unwritable.status, 2, unwritable.stderr);
    // The spec's line of the report says why its baseline could not be written.
    assert.match(unwritable.stdout, /^ERROR .*baselines: cannot make the folder for the baselines: permission denied/m);
    chmodSync(locked, 0o755);
  });

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`${signal} during a write waits for the write to end, and then ends the process by that signal`, () => {
      const { dir } = folder(`signal-${signal}`);
      const script = join(dir, 'interrupted.ts');
      writeFileSync(script, `
import { commitWrite, planWrite } from ${JSON.stringify(join(ROOT, 'src', 'cli', 'safe-write.ts'))};
const rules = { inputs: [], force: false, isOurs: () => true, what: 'a test file' };
const dir = ${JSON.stringify(dir)};
commitWrite(planWrite(dir + '/first.txt', rules), 'one');
process.kill(process.pid, '${signal}');
commitWrite(planWrite(dir + '/second.txt', rules), 'two');
setTimeout(() => console.log('never reached: the signal ends the process'), 10_000);
`);
      const result = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
      assert.equal(result.signal, signal, result.stderr);
      assert.doesNotMatch(result.stdout, /never reached/);
      assert.equal(readFileSync(join(dir, 'second.txt'), 'utf8'), 'two');
      assertNoTemporaries(dir);
    });
  }
});
