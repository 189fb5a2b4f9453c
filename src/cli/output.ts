import { Option, type Command } from 'commander';
import { UserError } from '../core/errors.js';
import { makePalette, wantsColor, type Palette } from '../render/palette.js';
import { formatCount } from '../core/numbers.js';
import { DEFAULT_MAX_LAYERS } from './deep.js';
import { parseBatchSize, parseCount, parseSize } from './quantities.js';
import type { Io } from './io.js';

export type Format = 'text' | 'markdown' | 'json';

export interface OutputOptions {
  color?: boolean;
  width?: number;
  json?: boolean;
  format?: Format;
}

/** Options of every command that prints a report. */
export function addOutputOptions(command: Command, formats: Format[] = ['text', 'json']): Command {
  const hasFormat = formats.length > 2;
  command
    .addOption(new Option('--json', hasFormat ? 'print JSON (the same as --format json)' : 'print JSON').conflicts(hasFormat ? 'format' : []))
    .option('--no-color', 'never colour the output (also NO_COLOR=1, or when piped)')
    .addOption(new Option('--width <columns>', `fit tables in this many columns (default: the terminal's width, else COLUMNS, else up to ${PIPED_WIDTH})`).argParser(parseWidth));
  if (hasFormat) {
    command.addOption(new Option('--format <format>', `${formats.join(', ')}`).choices(formats));
  }
  return command;
}

export interface ModelOptions {
  allowUnknown?: boolean;
  maxInputSize?: number;
  maxLayers?: number;
}

/** Options of every command that reads models: one declaration, so they mean the same everywhere. */
export function addModelOptions(command: Command): Command {
  return command
    .option('--allow-unknown', 'take layers of unknown classes (Lambda, custom) as shape-preserving, marked unverified')
    .addOption(new Option('--max-input-size <size>', 'refuse model files larger than this (default 64MB)').argParser((v) => parseSize(v, '--max-input-size')))
    .addOption(new Option('--max-layers <count>', `refuse models with more layers than this (default ${formatCount(DEFAULT_MAX_LAYERS)}): time and memory grow with the layers`).argParser((v) => parseCount(v, '--max-layers')));
}

export interface CostOptions {
  batchSize?: number;
}

/** --batch-size, for every command that counts costs: the batch the mult-adds and activation bytes are counted at. */
export function addCostOptions(command: Command): Command {
  return command.addOption(
    new Option('--batch-size <n>', 'count mult-adds and activation memory at this batch size, where the model leaves it open (default 1)').argParser(parseBatchSize),
  );
}

/** The reading options a command's model options stand for. */
export function readOptions(options: ModelOptions): { allowUnknown: boolean; maxInputBytes?: number; maxLayers?: number } {
  return {
    allowUnknown: Boolean(options.allowUnknown),
    ...(options.maxInputSize !== undefined ? { maxInputBytes: options.maxInputSize } : {}),
    ...(options.maxLayers !== undefined ? { maxLayers: options.maxLayers } : {}),
  };
}

export function outputFormat(options: OutputOptions): Format {
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

const MIN_WIDTH = 40;

/** --width, else the terminal's width, else COLUMNS (set by shells and CI for piped output), else PIPED_WIDTH. */
export function outputWidth(option: number | undefined, terminalColumns: number | undefined, env: Record<string, string | undefined>): number {
  if (option !== undefined) return option;
  if (terminalColumns) return terminalColumns;
  const columns = Number(env.COLUMNS);
  if (Number.isInteger(columns) && columns > 0) return Math.max(MIN_WIDTH, columns);
  return PIPED_WIDTH;
}

/** The palette and width of a text report on this output. */
export function terminal(options: OutputOptions, io: Io): { palette: Palette; width: number } {
  return {
    palette: makePalette(wantsColor(options.color, io.stdout, io.env)),
    width: outputWidth(options.width, io.stdout.isTTY ? io.stdout.columns : undefined, io.env),
  };
}

/** --depth: torchinfo's levels of rows, 1 being the model's own layers. */
export function parseDepth(value: string): number {
  const depth = Number(value);
  if (!Number.isInteger(depth) || depth < 1) {
    throw new UserError('usage', `--depth counts levels of rows from 1 (the model's own layers; 2 adds the layers of the models used as layers), not "${value}"`);
  }
  return depth;
}

function parseWidth(value: string): number {
  const width = Number(value);
  if (!Number.isInteger(width) || width < MIN_WIDTH) throw new UserError('usage', `--width must be a whole number of at least 40, not "${value}"`);
  return width;
}
