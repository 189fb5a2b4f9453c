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
    .addOption(new Option('--width <columns>', 'fit tables in this many columns (default: the terminal, else 100)').argParser(parseWidth))
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

export function terminal(options: OutputOptions): { palette: Palette; width: number } {
  return { palette: makePalette(wantsColor(options.color, process.stdout)), width: options.width ?? (process.stdout.columns || 100) };
}

function parseWidth(value: string): number {
  const width = Number(value);
  if (!Number.isInteger(width) || width < 40) throw new UserError(`--width must be a whole number of at least 40, not "${value}"`);
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
