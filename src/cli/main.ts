import { Command, CommanderError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError, suggest } from '../errors.js';
import { explainMerges } from '../analysis/explain.js';
import { renderExplanation } from '../render/explain.js';
import { renderMergeImpact, type MergeSelection } from '../render/merge-impact.js';
import { describeError } from '../spec/locate.js';
import { availableKernelBackend } from '../model/kernels.js';
import { analyzeFile } from '../pipeline.js';
import { renderJson } from '../render/json.js';
import { makePalette, wantsColor } from '../render/palette.js';
import { renderSummary } from '../render/table.js';

/** Exit statuses: what CI scripts branch on. */
export const EXIT = { ok: 0, failed: 1, error: 2 } as const;

interface CommonOptions {
  color?: boolean;
  width?: number;
  debug?: boolean;
}

/** Runs the CLI; resolves to the exit status. Output goes to stdout only once complete. */
export async function main(argv: string[]): Promise<number> {
  // `merge-summary model.yaml | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  const program = buildProgram();
  let debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return (program as unknown as { exitStatus?: number }).exitStatus ?? EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    if (error instanceof UserError) {
      process.stderr.write(`${describeError(error)}\n`);
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
      return EXIT.error;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`merge-summary: internal error: ${message}\n`);
    process.stderr.write(debug && error instanceof Error ? `${error.stack}\n` : 'run again with --debug to see where\n');
    debug = false;
    return EXIT.error;
  }
}

function buildProgram(): Command {
  const program = new Command('merge-summary');
  program
    .description(
      "Keras-faithful summaries of a model spec: shapes, parameter counts, and what each merge (Add, Concatenate, ...) does to the layers after it.",
    )
    .option('-V, --version', 'print the version and the kernel backend in use')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showSuggestionAfterError(true);

  addCommon(
    program
      .command('summary', { isDefault: true })
      .description('print the summary table of a model (the default command)')
      .argument('[model]', 'a model spec (YAML), or - for standard input')
      .option('--json', 'print the summary as JSON (schema merge-summary/1)')
      .option('--merges <names>', 'show these merges in full in "Merge impact" (comma-separated names, or all)')
      .option('--explain', 'add a worked example of each merge type in the model, computed with tfjs kernels'),
  ).action(async (model: string | undefined, options: CommonOptions & { json?: boolean; merges?: string; explain?: boolean }) => {
    if (program.opts().version) {
      write(versionText());
      return;
    }
    if (model === undefined) throw new UserError('no model given; usage: merge-summary MODEL.yaml (see --help)');
    const summary = analyzeFile(model);
    for (const warning of summary.warnings) process.stderr.write(`warning: ${warning}\n`);
    const explanation = options.explain ? await explainMerges(summary) : undefined;
    if (options.json) {
      write(renderJson(explanation ? { ...summary, explanation } : summary));
      return;
    }
    const selection = mergeSelection(options.merges, summary.merges.map((merge) => merge.name));
    const palette = makePalette(wantsColor(options.color, process.stdout));
    const width = terminalWidth(options.width);
    const sections = [renderSummary(summary, { palette, width }), renderMergeImpact(summary, selection, { palette, width })];
    if (explanation) sections.push(renderExplanation(explanation, { palette, width }));
    write(sections.filter(Boolean).join('\n'));
  });
  return program;
}

function addCommon(command: Command): Command {
  return command
    .option('--no-color', 'never colour the output (also NO_COLOR=1, or when piped)')
    .addOption(new Option('--width <columns>', 'fit tables in this many columns (default: the terminal, else 100)').argParser(parseWidth))
    .option('--debug', 'show stack traces of errors');
}

function mergeSelection(option: string | undefined, names: string[]): MergeSelection {
  if (option === undefined) return { kind: 'default' };
  if (option === 'all') return { kind: 'all' };
  const wanted = option.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of wanted) {
    if (!names.includes(name)) {
      const known = names.length === 0 ? 'the model has no merge layers' : `its merges are ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`;
      throw new UserError(`--merges: no merge layer "${name}"${suggest(name, names)}; ${known}`);
    }
  }
  return { kind: 'named', names: wanted };
}

function parseWidth(value: string): number {
  const width = Number(value);
  if (!Number.isInteger(width) || width < 40) throw new UserError(`--width must be a whole number of at least 40, not "${value}"`);
  return width;
}

export function terminalWidth(explicit?: number): number {
  return explicit ?? (process.stdout.columns || 100);
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

function write(text: string): void {
  process.stdout.write(text);
}

function versionText(): string {
  const require = createRequire(import.meta.url);
  const { version } = JSON.parse(readFileSync(ownPackageJson(), 'utf8')) as { version: string };
  const tfjs = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
  return `merge-summary ${version}\ntfjs ${tfjs}; summaries build on a storage-less backend (weights have shapes, no data)\nkernel backend: ${availableKernelBackend()}\n`;
}
