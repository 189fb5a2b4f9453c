import { Option, type Command } from 'commander';
import { renameSync, writeFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { makePalette, wantsColor, type Palette } from '../render/palette.js';

/** Exit statuses: what CI scripts branch on. */
export const EXIT = { ok: 0, failed: 1, error: 2 } as const;

export interface OutputOptions {
  color?: boolean;
  width?: number;
  debug?: boolean;
  json?: boolean;
  format?: 'text' | 'markdown' | 'json';
}

/** Options every command shares. */
export function addOutputOptions(command: Command, formats: ('text' | 'markdown' | 'json')[] = ['text', 'json']): Command {
  const hasFormat = formats.includes('markdown');
  command
    .option('--json', hasFormat ? 'print JSON (the same as --format json)' : 'print JSON')
    .option('--no-color', 'never colour the output (also NO_COLOR=1, or when piped)')
    .addOption(new Option('--width <columns>', `fit tables in this many columns (default: the terminal's width, else COLUMNS, else up to ${PIPED_WIDTH})`).argParser(parseWidth))
    .option('--debug', 'show stack traces of errors');
  if (hasFormat) {
    command.addOption(new Option('--format <format>', 'text, markdown (for a pull-request comment or job summary) or json').choices(formats));
  }
  return command;
}

export function outputFormat(options: OutputOptions): 'text' | 'markdown' | 'json' {
  if (options.json && options.format && options.format !== 'json') throw new UserError(`--json and --format ${options.format} disagree; give one`);
  return options.json ? 'json' : (options.format ?? 'text');
}

/**
 * Widest output when nothing says how wide (piped, no COLUMNS): a table
 * takes the width its content needs up to this. CI log viewers (GitHub
 * Actions, GitLab) wrap longer lines, and 160 columns is about what one
 * shows unwrapped on a laptop screen; DenseNet121's and ResNet50's tables
 * with their Merge column want 160 to 190.
 */
export const PIPED_WIDTH = 160;

/** --width, else the terminal's width, else COLUMNS (set by shells and CI for piped output), else PIPED_WIDTH. */
export function outputWidth(option: number | undefined, stdoutColumns: number | undefined, env: NodeJS.ProcessEnv): number {
  if (option !== undefined) return option;
  if (stdoutColumns) return stdoutColumns;
  const columns = Number(env.COLUMNS);
  if (Number.isInteger(columns) && columns > 0) return Math.max(MIN_WIDTH, columns);
  return PIPED_WIDTH;
}

export function terminal(options: OutputOptions): { palette: Palette; width: number } {
  return { palette: makePalette(wantsColor(options.color, process.stdout)), width: outputWidth(options.width, process.stdout.columns, process.env) };
}

const MIN_WIDTH = 40;

/** --depth: torchinfo's levels of rows, 1 being the model's own layers. */
export function parseDepth(value: string): number {
  const depth = Number(value);
  if (!Number.isInteger(depth) || depth < 1) {
    throw new UserError(`--depth counts levels of rows from 1 (the model's own layers; 2 adds the layers of the models used as layers), not "${value}"`);
  }
  return depth;
}

function parseWidth(value: string): number {
  const width = Number(value);
  if (!Number.isInteger(width) || width < MIN_WIDTH) throw new UserError(`--width must be a whole number of at least 40, not "${value}"`);
  return width;
}

export function write(text: string): void {
  process.stdout.write(text);
}

/** Writes a file whole or not at all: to a temporary name first, then renamed. */
export function writeFileAtomically(path: string, text: string | Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    throw new UserError(`cannot write ${path}: ${(error as Error).message}`);
  }
}
