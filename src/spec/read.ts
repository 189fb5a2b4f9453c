import { readFileSync } from 'node:fs';
import jsyaml from 'js-yaml';
import { UserError } from '../errors.js';
import type { ModelGraph } from './graph.js';
import { rememberSource } from './locate.js';
import { refuseDeepNesting } from './yaml-guard.js';
import { readSpec } from './yaml-spec.js';

/** Values a spec may reach through aliases; far beyond any model, far below a "billion laughs" bomb. */
const MAX_EXPANDED_VALUES = 1_000_000;

/** Reads a model from a file, or from standard input when the path is "-". */
export function readModelGraph(path: string): ModelGraph {
  return parseModelText(readSource(path), path);
}

export function parseModelText(text: string, source: string): ModelGraph {
  const file = displayName(source);
  rememberSource(file, text);
  return readSpec(parseYamlText(text, file), file, source);
}

export function displayName(source: string): string {
  return source === '-' ? '<stdin>' : source;
}

/**
 * Parses YAML (or JSON, which is YAML) quickly, without positions: a summary
 * never needs them, and errors find theirs later (locate.ts).
 */
export function parseYamlText(text: string, file: string): unknown {
  refuseDeepNesting(text, file);
  let document: unknown;
  try {
    document = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, filename: file });
  } catch (error) {
    if (error instanceof jsyaml.YAMLException) {
      const { line, column } = error.mark ?? { line: 0, column: 0 };
      throw new UserError(`YAML syntax error: ${error.reason}`, { file, line: line + 1, col: column + 1 });
    }
    throw error;
  }
  refuseAliasBombs(document, file);
  return document;
}

/**
 * The parser keeps an alias as a second reference to the same value, so a
 * bomb is small in memory until something walks it. Walk it here, counting
 * every value as often as aliases repeat it, and give up past the budget.
 */
function refuseAliasBombs(document: unknown, file: string): void {
  let budget = MAX_EXPANDED_VALUES;
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const value = stack.pop();
    if (--budget < 0) {
      throw new UserError(
        "the document expands to more than a million values through YAML aliases; refusing what looks like an alias bomb",
        { file, line: 1, col: 1 },
      );
    }
    if (Array.isArray(value)) stack.push(...value);
    else if (typeof value === 'object' && value !== null) stack.push(...Object.values(value));
  }
}

export function readSource(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file'
      : code === 'EISDIR' ? 'it is a directory, not a file'
      : code === 'EACCES' ? 'permission denied'
      : (error as Error).message;
    throw new UserError(`cannot read the model: ${why}`, { file: displayName(path) });
  }
}
