// Builds dist/merge-summary.cjs: our code and its small dependencies in one
// file. A CLI that loads ~30 ES modules pays ~40 ms resolving them at every
// start; one file does not, and as CommonJS it is covered by the V8 code
// cache that bin/merge-summary.js turns on. tfjs stays outside: it is loaded
// with require() (src/model/tf.ts), and the optional tfjs-node and the WASM
// backend must find the very same tfjs-core instance.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });

await build({
  // The worker that builds deep models (src/cli/deep.ts) is a bundle of its own, beside the CLI's.
  entryPoints: { 'merge-summary': 'src/cli/main.ts', 'deep-worker': 'src/cli/deep-worker.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  // tfjs; the picture libraries (WASM and native code) that only `graph` loads;
  // fflate, loaded only to read a .keras archive.
  external: ['@tensorflow/*', '@viz-js/viz', '@resvg/resvg-js', 'fflate'],
  // The sources are ES modules that locate themselves with import.meta.url.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
