import jsyaml from 'js-yaml';
import { UserError } from '../core/errors.js';
import { rememberSource } from './locate.js';

/** Far deeper than any model file (Keras configs nest about 12 levels); shallow enough that every walk stays safe. */
export const MAX_NESTING = 64;

/** Values a document may reach through YAML aliases: far beyond any model, far below a "billion laughs" bomb. */
const MAX_EXPANDED_VALUES = 1_000_000;

/** YAML 1.2's core schema, plus the tuples Keras's to_yaml() wrote as !!python/tuple. */
const KERAS_YAML_SCHEMA = jsyaml.CORE_SCHEMA.extend([
  new jsyaml.Type('tag:yaml.org,2002:python/tuple', { kind: 'sequence', construct: (items: unknown[] | null) => items ?? [] }),
]);

/** JSON.parse, with a syntax error located at its line and column, and nesting bounded first. */
export function parseJson(text: string, file: string, what = 'not valid JSON'): unknown {
  refuseDeepJson(text, file);
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const lineCol = /line (\d+) column (\d+)/.exec(message);
    const position = /position (\d+)/.exec(message);
    const before = text.slice(0, position ? Number(position[1]) : text.length).split('\n');
    const at = lineCol
      ? { file, line: Number(lineCol[1]), col: Number(lineCol[2]) }
      : { file, line: before.length, col: before[before.length - 1].length + 1 };
    throw new UserError('syntax', `${what}: ${message.replace(/ in JSON at position \d+.*$/, '')}`, at);
  }
}

/** JSON, decoded twice when a file holds the model's JSON as a string (json.dump(model.to_json())). */
export function parseJsonDocument(text: string, file: string): unknown {
  rememberSource(file, text);
  let doc = parseJson(text, file);
  if (typeof doc === 'string') {
    rememberSource(file, doc);
    doc = parseJson(doc, file);
  }
  return doc;
}

/**
 * Parses YAML (or JSON, which is YAML) quickly, without positions: a summary
 * never needs them, and errors find theirs later (locate.ts). js-yaml bounds
 * the nesting it recurses into; aliases are bounded by a walk after.
 */
export function parseYaml(text: string, file: string): unknown {
  let document: unknown;
  try {
    document = jsyaml.load(text, { schema: KERAS_YAML_SCHEMA, filename: file, maxDepth: MAX_NESTING } as jsyaml.LoadOptions);
  } catch (error) {
    if (error instanceof jsyaml.YAMLException) {
      const { line, column } = error.mark ?? { line: 0, column: 0 };
      const reason = /maxDepth/.test(error.reason ?? '') ? `nesting is deeper than ${MAX_NESTING} levels; a model needs far fewer, so this is refused rather than parsed` : error.reason;
      throw new UserError('syntax', `YAML syntax error: ${reason}`, { file, line: line + 1, col: column + 1 });
    }
    throw error;
  }
  refuseAliasBombs(document, file);
  return document;
}

/**
 * JSON.parse itself copes with deep nesting, but every walk over the
 * document after it would not; this linear scan refuses it first.
 */
function refuseDeepJson(text: string, file: string): void {
  let depth = 0;
  let inString = false;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i += 1; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) inString = true;
    else if (ch === 0x0a) {
      line += 1;
      lineStart = i + 1;
    } else if (ch === 0x5b || ch === 0x7b) {
      depth += 1;
      if (depth > MAX_NESTING) {
        throw new UserError('syntax', `nesting is deeper than ${MAX_NESTING} levels; a model needs far fewer, so this is refused rather than parsed`, { file, line, col: i - lineStart + 1 });
      }
    } else if (ch === 0x5d || ch === 0x7d) depth -= 1;
  }
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
      throw new UserError('too-large', 'the document expands to more than a million values through YAML aliases; refusing what looks like an alias bomb', { file, line: 1, col: 1 });
    }
    // One push per item: spreading a list of 100,000 items into push() overflows the call stack.
    if (Array.isArray(value)) for (const item of value) stack.push(item);
    else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) stack.push(item);
  }
}
