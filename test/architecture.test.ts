import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
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

/**
 * Every module a file names, read by TypeScript's own parser: static imports
 * and re-exports, side-effect imports, import() and require(), in either
 * quote style (a regex over the text once let a double-quoted import through).
 */
function importsIn(text: string): { specifier: string; typeOnly: boolean }[] {
  const source = ts.createSourceFile('module.ts', text, ts.ScriptTarget.Latest, true);
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const onlyTypeNames = clause?.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && clause.name === undefined
        && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((element) => element.isTypeOnly);
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: Boolean(clause?.isTypeOnly) || onlyTypeNames });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      const isDynamicImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = (ts.isIdentifier(callee) && callee.text === 'require')
        || (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require' && callee.name.text === 'resolve');
      if (isDynamicImport || isRequire) found.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const importsOf = (file: string) => importsIn(readFileSync(file, 'utf8'));

const files = sourceFiles(SRC);

describe('the layers of the code', () => {
  it('the import reader sees every form a module can be named in', () => {
    const text = [
      "import { a } from '../render/a.js';",
      'import { b } from "../render/b.js";',
      'import type { C } from "../model/c.js";',
      "import { type D, type E } from '../model/d.js';",
      "import { type F, g } from '../model/f.js';",
      "import '../render/side-effect.js';",
      "export * from '../cli/h.js';",
      "export type { I } from '../model/i.js';",
      'const j = await import(`../cli/j.js`);',
      "type K = import('../model/k.js').K;",
      "const l = require('../cli/l.js');",
      '// import { m } from "../cli/in-a-comment.js";',
      "const n = 'import { o } from \\'../cli/in-a-string.js\\'';",
    ].join('\n');
    assert.deepEqual(importsIn(text), [
      { specifier: '../render/a.js', typeOnly: false },
      { specifier: '../render/b.js', typeOnly: false },
      { specifier: '../model/c.js', typeOnly: true },
      { specifier: '../model/d.js', typeOnly: true },
      { specifier: '../model/f.js', typeOnly: false },
      { specifier: '../render/side-effect.js', typeOnly: false },
      { specifier: '../cli/h.js', typeOnly: false },
      { specifier: '../model/i.js', typeOnly: true },
      { specifier: '../cli/j.js', typeOnly: false },
      { specifier: '../model/k.js', typeOnly: true },
      { specifier: '../cli/l.js', typeOnly: false },
    ]);
  });

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
