import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & { dependencies: Record<string, string>; optionalDependencies: Record<string, string> };

describe('the npm package', () => {
  it('holds exactly what a user needs: the binary, the bundle and its map, the schemas, the docs, the fonts, README and LICENSE', () => {
    // --ignore-scripts: no "prepare" rebuild of dist/ while other tests run the binary.
    const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const files = (JSON.parse(result.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path).sort();
    assert.deepEqual(files, [
      'LICENSE',
      'README.md',
      'bin/merge-summary.js',
    'dist/merge-summary.cjs',
      'dist/merge-summary.cjs.map',
      'docs/costs.md',
      'docs/json.md',
      'docs/model-spec.md',
      'fonts/DejaVuSans-Bold.ttf',
      'fonts/DejaVuSans.ttf',
      'fonts/LICENSE',
      'fonts/README.md',
      'package.json',
      'schemas/merge-summary-check.schema.json',
      'schemas/merge-summary-diff.schema.json',
      'schemas/merge-summary-profile.schema.json',
      'schemas/merge-summary.schema.json',
      'schemas/model-spec.schema.json',
    ]);
  });

  it('the source map names our files and lines, without carrying their text', () => {
    const map = JSON.parse(readFileSync(join(ROOT, 'dist', 'merge-summary.cjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    assert.equal(map.sourcesContent, undefined);
    assert.ok(map.sources.includes('../src/cli/main.ts'), 'src/cli/main.ts is a source');
  });

  it('says where it comes from and under which licence', () => {
    assert.equal(pkg.license, 'MIT');
    assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) \d{4} the merge-summary authors\n/);
    assert.match(String((pkg.repository as { url: string }).url), /^git\+https:\/\/github\.com\/.+\.git$/);
    assert.match(String(pkg.homepage), /^https:\/\//);
    assert.match(String((pkg.bugs as { url: string }).url), /^https:\/\//);
    assert.ok(Array.isArray(pkg.keywords) && pkg.keywords.includes('keras'));
  });

  it('pins the tfjs packages whose internals src/model/tfjs.ts relies on to one exact version', () => {
    const tfjs = Object.entries({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter(([name]) => name.startsWith('@tensorflow/'));
    assert.ok(tfjs.length >= 4);
    for (const [name, version] of tfjs) assert.match(version, /^\d+\.\d+\.\d+$/, `${name} ${version}`);
    assert.equal(new Set(tfjs.map(([, version]) => version)).size, 1);
  });

  it('installing builds only the bundle, and only when it is stale: npx runs "prepare" again when it first links the project', () => {
    assert.equal((pkg.scripts as Record<string, string>).prepare, 'node build.mjs --if-stale');
    const build = () => spawnSync(process.execPath, [join(ROOT, 'build.mjs'), '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
    // The first run brings a bundle older than the sources up to date (a developer's edit); the second finds nothing to do.
    const first = build();
    assert.equal(first.status, 0, first.stderr);
    const before = statSync(join(ROOT, 'dist', 'merge-summary.cjs')).mtimeMs;
    const again = build();
    assert.equal(again.status, 0, again.stderr);
    assert.equal(statSync(join(ROOT, 'dist', 'merge-summary.cjs')).mtimeMs, before, 'an up-to-date bundle is left as it is');
  });
});
