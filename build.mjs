// Builds dist/merge-summary.cjs: our code and its small dependencies in one
// file. A CLI that loads ~30 ES modules pays ~40 ms resolving them at every
// start; one file does not, and as CommonJS it is covered by the V8 code
// cache that bin/merge-summary.js turns on. tfjs stays outside: it is loaded
// with require() (src/model/tf.ts), and the optional tfjs-node and the WASM
// backend must find the very same tfjs-core instance.
//
//   node build.mjs             bundle
//   node build.mjs --if-stale  bundle unless dist/ is newer than everything it is made from
//
// --if-stale is for "prepare": the first `npx merge-summary` in a clone links
// the project into npx's cache and runs "prepare" again, right after `npm
// install` ran it (that was 10 s when "prepare" also type-checked).
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const OUT = 'dist/merge-summary.cjs';

/** The newest modification time among the files the bundle is made from: src/, this script, the dependencies installed. */
function newestInput() {
  const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
  const inputs = [...files('src'), 'build.mjs', 'package.json', 'node_modules/.package-lock.json'].filter((file) => existsSync(file));
  return Math.max(...inputs.map((file) => statSync(file).mtimeMs));
}

if (process.argv.includes('--if-stale') && [OUT, `${OUT}.map`].every(existsSync) && statSync(OUT).mtimeMs > newestInput()) process.exit(0);

const { build } = await import('esbuild');
rmSync('dist', { recursive: true, force: true });

await build({
  // The worker threads that build deep models (src/cli/deep.ts) load this same bundle.
  entryPoints: { 'merge-summary': 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // The map lets --debug stack traces name src/ files and lines (bin/merge-summary.js
  // turns maps on for --debug only). Without the sources' text in it, it is a
  // third of the size; the line numbers are what a bug report needs.
  sourcemap: 'linked',
  sourcesContent: false,
  // tfjs; the picture libraries (WASM and native code) that only `graph` loads;
  // fflate, loaded only to read a .keras archive; h5wasm (HDF5 in WebAssembly,
  // an ES module) and protobufjs, loaded only to read .h5 files and SavedModels;
  // cli-progress, only while profile runs on a terminal.
  external: ['@tensorflow/*', '@viz-js/viz', '@resvg/resvg-js', 'fflate', 'h5wasm', 'protobufjs', 'cli-progress'],
  // The sources are ES modules that locate themselves with import.meta.url.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
