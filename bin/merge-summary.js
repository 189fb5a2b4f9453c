#!/usr/bin/env node
import { createRequire } from 'node:module';

// Compiling tfjs's 2.6 MB of JavaScript and our bundle is the largest part of
// every start; V8's code cache skips it after the first run. Node 22+ has one
// built in; on Node 20 v8-compile-cache provides it.
const require = createRequire(import.meta.url);
const nodeModule = require('node:module');
if (typeof nodeModule.enableCompileCache === 'function') nodeModule.enableCompileCache();
else require('v8-compile-cache');

const { main, processIo, setModuleImporter } = require('../dist/merge-summary.cjs');
// The bundle, compiled by v8-compile-cache on Node 20, cannot import() ES modules (h5wasm) itself.
setModuleImporter((specifier) => import(specifier));
process.exitCode = await main(process.argv.slice(2), processIo());
