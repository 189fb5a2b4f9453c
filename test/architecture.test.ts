import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers.js';

/**
 * The data flows one way, and the folders say so:
 * readers → model → analysis → render → cli. A folder may use its own
 * files and those upstream of it, never downstream; analysis and render
 * never touch tfjs; one module touches tfjs's internals.
 */
const LAYERS = ['core', 'readers', 'model', 'analysis', 'render', 'cli'] as const;
type Folder = (typeof LAYERS)[number];

const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** A file's folder among LAYERS; pipeline.ts, the glue of readers, model and analysis, sits with cli. */
function folderOf(file: string): Folder {
  const first = relative(SRC, file).split(/[\\/]/)[0];
  if (first === 'pipeline.ts') return 'cli';
  assert.ok((LAYERS as readonly string[]).includes(first), `${relative(ROOT, file)} is in no known folder`);
  return first as Folder;
}

function importsOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const found: { specifier: string; typeOnly: boolean }[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm)) found.push({ specifier: match[3], typeOnly: Boolean(match[2]) });
  for (const match of text.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push({ specifier: match[1], typeOnly: false });
  for (const match of text.matchAll(/import\('([^']+)'\)/g)) found.push({ specifier: match[1], typeOnly: true });
  for (const match of text.matchAll(/require(?:\.resolve)?\('([^']+)'\)/g)) found.push({ specifier: match[1], typeOnly: false });
  return found;
}

const files = sourceFiles(SRC);

describe('the layers of the code', () => {
  it('every folder imports only from itself and the folders upstream of it', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      for (const { specifier } of importsOf(file)) {
        if (!specifier.startsWith('.')) continue;
        const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
        const to = folderOf(target);
        if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) wrong.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)} (${from} → ${to})`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('analysis and render are pure: of the model they see only its plain facts', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      if (from !== 'analysis' && from !== 'render') continue;
      for (const { specifier } of importsOf(file)) {
        const target = specifier.startsWith('.') ? relative(SRC, resolve(dirname(file), specifier)) : specifier;
        if (target.startsWith('model/') && target !== 'model/facts.js') wrong.push(`${relative(ROOT, file)} imports ${target}`);
        if (target.startsWith('@tensorflow/')) wrong.push(`${relative(ROOT, file)} imports ${target}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('only the tfjs seam (and the kernel backends) name a tfjs package', () => {
    const allowed = new Set(['model/tfjs.ts', 'model/kernels.ts']);
    const naming = files.filter((file) => !allowed.has(relative(SRC, file)) && /@tensorflow\//.test(readFileSync(file, 'utf8')));
    assert.deepEqual(naming.map((file) => relative(ROOT, file)), []);
  });

  it('model/facts.ts, the boundary, holds plain data only', () => {
    const imports = importsOf(join(SRC, 'model', 'facts.ts'));
    assert.ok(imports.every((i) => i.typeOnly && !i.specifier.includes('tfjs')), JSON.stringify(imports));
  });
});
