import { Command, CommanderError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError, closestNames } from '../core/errors.js';
import { availableKernelBackend } from '../model/kernels.js';
import { TFJS_VERSION } from '../model/tfjs.js';
import { describeError, forgetSources } from '../readers/locate.js';
import { prepareModelReaders } from '../readers/read.js';
import { addCheckCommand } from './check-command.js';
import { addDiffCommand } from './diff-command.js';
import { addGraphCommand } from './graph-command.js';
import { EXIT, processIo, type Io } from './io.js';
import { addProfileCommand } from './profile-command.js';
import { addSummaryCommand } from './summary-command.js';

export { EXIT, processIo };
export type { Io };
export { setModuleImporter } from '../readers/hdf5.js';
// deep.ts's worker threads run the bundle too, and start here.
export { runDeepWorker } from './deep-worker.js';

const COMMANDS = ['summary', 'diff', 'check', 'graph', 'profile'];

/**
 * Runs the CLI and resolves to its exit status. Every output goes through
 * `io`, whole reports only once complete; tests pass captured streams and
 * run it in-process.
 */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  forgetSources();
  let status: number = EXIT.ok;
  const program = buildProgram(io, (value) => (status = value));
  try {
    refuseMistypedCommand(argv);
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.error;
    const debug = Boolean(program.opts().debug);
    if (error instanceof UserError) {
      io.stderr.write(`${describeErrorSafely(error)}\n`);
      if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
      return EXIT.error;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`merge-summary: internal error: ${message}\n`);
    io.stderr.write(debug && error instanceof Error ? `${error.stack}\n` : 'run again with --debug to see where\n');
    return EXIT.error;
  }
}

/** The located message of an error; should locating it fail, the message alone: reporting an error never fails. */
function describeErrorSafely(error: UserError): string {
  try {
    return describeError(error);
  } catch {
    return error.location ? `${error.location.file}: ${error.message.slice(0, 1000)}` : error.message.slice(0, 1000);
  }
}

/**
 * `merge-summary summry x.yaml` would otherwise run the default command on
 * a model called "summry": a first word that is no file but close to a
 * command's name is a mistyped command.
 */
function refuseMistypedCommand(argv: string[]): void {
  const first = argv[0];
  if (first === undefined || first.startsWith('-') || COMMANDS.includes(first) || first === 'help' || existsSync(first)) return;
  const [close] = closestNames(first, COMMANDS, 1);
  if (close && argv.length > 1) throw new UserError('usage', `unknown command "${first}"; did you mean "${close}"? (see merge-summary --help)`);
}

function buildProgram(io: Io, setStatus: (status: number) => void): Command {
  const program = new Command('merge-summary');
  program
    .description(
      "Keras-faithful summaries of a model: shapes, parameter counts, and what each merge (Add, Concatenate, ...) does to the layers after it.",
    )
    .option('-V, --version', 'print the version and the kernel backend available')
    .option('--debug', 'show the stack trace of an error')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showSuggestionAfterError(true)
    .on('option:version', () => {
      io.stdout.write(versionText(io.env));
      throw new CommanderError(EXIT.ok, 'merge-summary.version', '');
    })
    .addHelpText(
      'after',
      `
Examples:
  merge-summary model.yaml                      the summary and what each merge does
  merge-summary model.yaml --json               the same as JSON (schema merge-summary/1)
  merge-summary diff add.yaml concat.yaml       what changes between two models
  merge-summary check models/ --max-params 10M  fail a CI job when a model is over budget
  merge-summary graph model.yaml -o model.png   a picture, merges and their footprint coloured
  merge-summary profile model.yaml --swap NAME  run it on tfjs kernels: latency, per-layer time, both ways

Each command's options: merge-summary summary --help (--json, --format, --merges, --explain,
--show-trainable, --layer-range, --depth, --expand-nested, --columns, --batch-size,
--allow-unknown, --width, --no-color), merge-summary diff --help, ...
Exit status: 0 success, 1 check over budget or diff --exit-code found a difference, 2 bad input.`,
    );
  // Readers that load asynchronously (the HDF5 library) are loaded before a command reads its models.
  program.hook('preAction', async (_program, command) => {
    const options = command.opts() as { weights?: unknown; compare?: unknown };
    const paths = [...command.args, options.weights, options.compare].filter((path): path is string => typeof path === 'string');
    await prepareModelReaders(paths);
  });
  addSummaryCommand(program, io);
  addDiffCommand(program, io, setStatus);
  addCheckCommand(program, io, setStatus);
  addGraphCommand(program, io);
  addProfileCommand(program, io);
  return program;
}

/** The version on a line of its own, then what it runs on. */
function versionText(env: Record<string, string | undefined>): string {
  const { version } = JSON.parse(readFileSync(ownPackageJson(), 'utf8')) as { version: string };
  return `merge-summary ${version}\ntfjs ${TFJS_VERSION}; summaries build on a storage-less backend (weights have shapes, no data)\nkernel backend: ${availableKernelBackend(env)}\n`;
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
