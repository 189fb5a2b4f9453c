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
 * A problem in the user's input or command line. The CLI prints it as
 * `FILE:LINE:COL: message` and exits 2, without a stack trace.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly location?: SourceLocation,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function formatLocation(at: SourceLocation): string {
  if (at.line === undefined) return at.file;
  return at.col === undefined ? `${at.file}:${at.line}` : `${at.file}:${at.line}:${at.col}`;
}

/** "did you mean" text for a misspelt name, or "" when nothing is close. */
export function suggest(word: string, candidates: Iterable<string>, max = 3): string {
  const close = closestNames(word, candidates, max);
  if (close.length === 0) return '';
  return `; did you mean ${close.map((c) => `"${c}"`).join(', ')}?`;
}

export function closestNames(word: string, candidates: Iterable<string>, max = 3): string[] {
  const target = word.toLowerCase();
  const scored: { name: string; distance: number }[] = [];
  for (const name of candidates) {
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
