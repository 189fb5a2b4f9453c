import { Command, CommanderError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { availableKernelBackend } from '../model/kernels.js';
import { describeError } from '../spec/locate.js';
import { prepareModelReaders } from '../spec/read.js';
import { addCheckCommand } from './check-command.js';
import { addDiffCommand } from './diff-command.js';
import { addGraphCommand } from './graph-command.js';
import { EXIT } from './output.js';
import { addSummaryCommand } from './summary-command.js';

export { EXIT };
export { setModuleImporter } from '../spec/hdf5.js';

/** Runs the CLI; resolves to the exit status. Output goes to stdout only once complete. */
export async function main(argv: string[]): Promise<number> {
  // `merge-summary model.yaml | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  let status: number = EXIT.ok;
  const program = buildProgram((value) => (status = value));
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.error;
    if (error instanceof UserError) {
      process.stderr.write(`${describeError(error)}\n`);
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
      return EXIT.error;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`merge-summary: internal error: ${message}\n`);
    process.stderr.write(debug && error instanceof Error ? `${error.stack}\n` : 'run again with --debug to see where\n');
    return EXIT.error;
  }
}

function buildProgram(setStatus: (status: number) => void): Command {
  const program = new Command('merge-summary');
  program
    .description(
      "Keras-faithful summaries of a model spec: shapes, parameter counts, and what each merge (Add, Concatenate, ...) does to the layers after it.",
    )
    .option('-V, --version', 'print the version and the kernel backend in use')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  merge-summary model.yaml                      the summary and what each merge does
  merge-summary model.yaml --json               the same as JSON (schema merge-summary/1)
  merge-summary diff add.yaml concat.yaml       what changes between two models
  merge-summary check models/ --max-params 10M  fail a CI job when a model is over budget
  merge-summary graph model.yaml -o model.png   a picture, merges and their footprint coloured

Each command's options: merge-summary summary --help (--json, --merges, --explain,
--expand-nested, --allow-unknown, --width, --no-color), merge-summary diff --help, ...
Exit status: 0 success, 1 check over budget or diff --exit-code found a difference, 2 bad input.`,
    );
  // Readers that load asynchronously (the HDF5 library) are loaded before a command reads its models.
  program.hook('preAction', async (_program, command) => {
    const options = command.opts() as { weights?: unknown; compare?: unknown };
    const paths = [...command.args, options.weights, options.compare].filter((path): path is string => typeof path === 'string');
    await prepareModelReaders(paths);
  });
  addSummaryCommand(program, versionText);
  addDiffCommand(program, setStatus);
  addCheckCommand(program, setStatus);
  addGraphCommand(program);
  return program;
}

function versionText(): string {
  const require = createRequire(import.meta.url);
  const { version } = JSON.parse(readFileSync(ownPackageJson(), 'utf8')) as { version: string };
  const tfjs = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
  return `merge-summary ${version}\ntfjs ${tfjs}; summaries build on a storage-less backend (weights have shapes, no data)\nkernel backend: ${availableKernelBackend()}\n`;
}

/** This package's package.json, from the sources or from the bundle in dist/. */
function ownPackageJson(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('merge-summary cannot find its own package.json');
    dir = parent;
  }
  return join(dir, 'package.json');
}
