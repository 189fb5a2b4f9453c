import { Option, type Command } from 'commander';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { makePalette, wantsColor, type Palette } from '../render/palette.js';
import { parseSize } from './quantities.js';
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
    .addOption(new Option('--width <columns>', 'fit tables in this many columns (default: the terminal, else COLUMNS, else 100)').argParser(parseWidth));
  if (hasFormat) {
    command.addOption(new Option('--format <format>', `${formats.join(', ')}`).choices(formats));
  }
  return command;
}

export interface ModelOptions {
  allowUnknown?: boolean;
  maxInputSize?: number;
}

/** Options of every command that reads models: one declaration, so they mean the same everywhere. */
export function addModelOptions(command: Command): Command {
  return command
    .option('--allow-unknown', 'take layers of unknown classes (Lambda, custom) as shape-preserving, marked unverified')
    .addOption(new Option('--max-input-size <size>', 'refuse model files larger than this (default 64MB)').argParser((v) => parseSize(v, '--max-input-size')));
}

/** The reading options a command's model options stand for. */
export function readOptions(options: ModelOptions): { allowUnknown: boolean; maxInputBytes?: number } {
  return { allowUnknown: Boolean(options.allowUnknown), ...(options.maxInputSize !== undefined ? { maxInputBytes: options.maxInputSize } : {}) };
}

export function outputFormat(options: OutputOptions): Format {
  return options.json ? 'json' : (options.format ?? 'text');
}

/** The palette and width of a text report on this output. */
export function terminal(options: OutputOptions, io: Io): { palette: Palette; width: number } {
  const columns = Number(io.env.COLUMNS);
  const fromEnv = Number.isInteger(columns) && columns >= 40 ? columns : undefined;
  return {
    palette: makePalette(wantsColor(options.color, io.stdout, io.env)),
    width: options.width ?? (io.stdout.isTTY && io.stdout.columns ? io.stdout.columns : undefined) ?? fromEnv ?? 100,
  };
}

function parseWidth(value: string): number {
  const width = Number(value);
  if (!Number.isInteger(width) || width < 40) throw new UserError('usage', `--width must be a whole number of at least 40, not "${value}"`);
  return width;
}

/** Writes a file whole or not at all: to a temporary name first, then renamed. */
export function writeFileAtomically(path: string, text: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UserError('file', `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file: path });
  }
}
