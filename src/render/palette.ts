import { Chalk, supportsColor } from 'chalk';

/** The colours of every renderer, in one place; all identity when colour is off. */
export interface Palette {
  heading: (text: string) => string;
  layerName: (text: string) => string;
  shape: (text: string) => string;
  number: (text: string) => string;
  merge: (text: string) => string;
  affected: (text: string) => string;
  growth: (text: string) => string;
  shrink: (text: string) => string;
  dim: (text: string) => string;
  ok: (text: string) => string;
  fail: (text: string) => string;
}

export function makePalette(color: boolean): Palette {
  const level = color ? Math.max(1, supportsColor ? supportsColor.level : 1) : 0;
  const chalk = new Chalk({ level: level as 0 | 1 | 2 | 3 });
  return {
    heading: chalk.bold,
    layerName: (t) => t,
    shape: chalk.green,
    number: chalk.cyan,
    merge: chalk.bold.magenta,
    affected: chalk.yellow,
    growth: chalk.red,
    shrink: chalk.green,
    dim: chalk.dim,
    ok: chalk.green,
    fail: chalk.bold.red,
  };
}

/**
 * Colour when the output is a terminal that supports it; never with
 * --no-color, NO_COLOR, or when piped. FORCE_COLOR turns it on (tests).
 */
export function wantsColor(flag: boolean | undefined, stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && supportsColor !== false;
}
