import { distance as editDistance } from 'fastest-levenshtein';

/** A place in a parsed document: keys and list indexes from its top. */
export type DocPath = (string | number)[];

/**
 * Where in a user's file something is: a 1-based line and column, or a path
 * in the document that is turned into one only when an error is shown
 * (finding positions costs a second, slower parse; summaries never need it).
 */
export interface SourceLocation {
  file: string;
  line?: number;
  col?: number;
  path?: DocPath;
  /** Point at the key of the entry at `path` rather than at its value. */
  part?: 'key' | 'value';
}

/**
 * What kind of problem an error is. Programs branch on this, never on the
 * wording of a message.
 */
export type ErrorCode =
  | 'usage' // the command line
  | 'file' // a file that cannot be read or written
  | 'too-large' // an input beyond the size limit
  | 'syntax' // YAML or JSON that does not parse
  | 'not-a-model' // a document of another kind
  | 'spec' // a spec that breaks the format's rules
  | 'keras-config' // a Keras / TF.js configuration that breaks its format
  | 'wiring' // a reference to a missing layer, call or output; a cycle
  | 'unknown-class' // a layer class with no shape rule
  | 'layer-config' // arguments Keras would reject
  | 'layer-call' // a layer that cannot take its inputs
  | 'model' // a model that cannot be assembled
  | 'inexact' // a count that cannot be represented exactly
  | 'baseline'; // a baseline that is missing or not one

/**
 * A problem in the user's input or command line. The CLI prints it as
 * `FILE:LINE:COL: message` and exits 2, without a stack trace.
 */
export class UserError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly location?: SourceLocation,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * A layer that cannot take its inputs: which layer, and why in Keras's
 * terms. The reason stays a field of its own, so that a merge analysis can
 * quote it without the layer's name in front.
 */
export class LayerCallError extends UserError {
  constructor(
    readonly layer: string,
    readonly layerType: string,
    readonly reason: string,
    location?: SourceLocation,
  ) {
    super('layer-call', `layer "${layer}" (${layerType}): ${reason}`, location);
  }
}

/** Why a file could not be read. */
export type FileProblem = 'missing' | 'directory' | 'permission' | 'other';

export class FileReadError extends UserError {
  constructor(
    readonly path: string,
    readonly problem: FileProblem,
    readonly detail: string,
    what = 'the file',
  ) {
    super('file', `cannot read ${what}: ${detail}`, { file: path });
  }
}

export function formatLocation(at: SourceLocation): string {
  if (at.line === undefined) return at.file;
  return at.col === undefined ? `${at.file}:${at.line}` : `${at.file}:${at.line}:${at.col}`;
}

/** Quoted user text longer than this is shortened in messages. */
const MAX_QUOTED_LENGTH = 120;

/**
 * A message with every long quoted piece of user text shortened: a layer
 * type of ten million characters is shown by its start and its length,
 * not printed whole. Linear in the message.
 */
export function shortenQuoted(message: string): string {
  if (message.length <= MAX_QUOTED_LENGTH) return message;
  const parts: string[] = [];
  let at = 0;
  for (;;) {
    const open = message.indexOf('"', at);
    const close = open < 0 ? -1 : message.indexOf('"', open + 1);
    if (close < 0) break;
    const quoted = message.slice(open + 1, close);
    const long = quoted.length > MAX_QUOTED_LENGTH && !quoted.includes('\n');
    parts.push(message.slice(at, open + 1), long ? `${quoted.slice(0, 60)}…` : quoted, long ? `" (${String(quoted.length).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} characters)` : '"');
    at = close + 1;
  }
  parts.push(message.slice(at));
  return parts.join('');
}

/**
 * A value as a message quotes it: JSON, except that a number that is not
 * finite is spelled as YAML writes it (.nan, .inf, -.inf). JSON.stringify
 * turns it into null, and "must be a positive whole number, not null" about
 * a `.inf` the user wrote, or "is null; ... or null for any size", is wrong.
 */
export function quoteValue(value: unknown): string {
  const mark = '\u2060';
  const text = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'number' && !Number.isFinite(item) ? `${mark}${Number.isNaN(item) ? '.nan' : item > 0 ? '.inf' : '-.inf'}${mark}` : item,
  );
  return text === undefined ? String(value) : text.replace(/"\u2060(\.nan|-?\.inf)\u2060"/g, '$1');
}

/** Beyond this length a word is not compared with names: nobody misspells a 200-character name. */
const MAX_SUGGESTED_LENGTH = 200;

/** "did you mean" text for a misspelt name, or "" when nothing is close. */
export function suggest(word: string, candidates: Iterable<string>, max = 3): string {
  const close = closestNames(word, candidates, max);
  if (close.length === 0) return '';
  return `; did you mean ${close.map((c) => `"${c}"`).join(', ')}?`;
}

/**
 * The most character comparisons one "did you mean" may make: a misspelt
 * reference among 100,000 long layer names must not take minutes. Past it,
 * the closest names found so far are the suggestion.
 */
const SUGGESTION_WORK = 20_000_000;

export function closestNames(word: string, candidates: Iterable<string>, max = 3): string[] {
  if (word.length > MAX_SUGGESTED_LENGTH) return [];
  const target = word.toLowerCase();
  const scored: { name: string; distance: number }[] = [];
  let work = 0;
  for (const name of candidates) {
    if (name.length > MAX_SUGGESTED_LENGTH) continue;
    // Names whose lengths differ by more than the largest allowed distance cannot be close.
    if (Math.abs(name.length - target.length) > Math.max(2, Math.floor(Math.max(target.length, name.length) / 3)) && !name.toLowerCase().includes(target)) continue;
    work += (name.length + 1) * (target.length + 1);
    if (work > SUGGESTION_WORK) break;
    const lower = name.toLowerCase();
    const distance = lower === target ? 0 : editDistance(target, lower);
    const limit = Math.max(2, Math.floor(Math.max(target.length, lower.length) / 3));
    if (distance <= limit || (target.length >= 3 && lower.includes(target))) {
      scored.push({ name, distance });
    }
  }
  scored.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  return scored.slice(0, max).map((s) => s.name);
}

/** A plain object (a mapping), not an array or null. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `key` is an own key of `object`: user text as a key must never reach a prototype ("constructor"). */
export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** `object[key] = value` that makes an own property even for "__proto__", which assignment would take as the prototype. */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * A name every JavaScript object answers to ("constructor", "toString",
 * "__proto__", ...): never a Keras class, and a key that plain-object
 * lookups, tfjs's included, would find where nothing was registered.
 */
export function isPrototypeKey(name: string): boolean {
  return name in Object.prototype;
}
