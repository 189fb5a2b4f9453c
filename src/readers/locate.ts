import { createRequire } from 'node:module';
import { UserError, formatLocation, shortenQuoted, type SourceLocation } from '../core/errors.js';

const require = createRequire(import.meta.url);

/** The text of every model read in this process, so that errors can be located later. */
const texts = new Map<string, string>();

export function rememberSource(file: string, text: string): void {
  texts.set(file, text);
}

/** Forgets every text: a new run of the CLI in the same process starts clean. */
export function forgetSources(): void {
  texts.clear();
}

/** `FILE:LINE:COL: message` for a user error, with its document path located. */
export function describeError(error: UserError): string {
  const message = shortenQuoted(error.message);
  return error.location ? `${formatLocation(resolveLocation(error.location))}: ${message}` : message;
}

/**
 * Turns a document path into a line and column by parsing the remembered text
 * again with the `yaml` library, which keeps every node's position (and reads
 * JSON too). Only error paths pay for it.
 */
export function resolveLocation(at: SourceLocation): SourceLocation {
  if (at.line !== undefined || at.path === undefined) return at;
  const text = texts.get(at.file);
  if (text === undefined) return at;
  const yaml = require('yaml') as typeof import('yaml');
  const lineCounter = new yaml.LineCounter();
  const doc = yaml.parseDocument(text, { lineCounter, uniqueKeys: false });
  let node: unknown = doc.contents;
  let keyNode: unknown = undefined;
  for (const step of at.path) {
    if (yaml.isMap(node)) {
      const pair = node.items.find((item) => yaml.isScalar(item.key) && String(item.key.value) === String(step));
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value;
    } else if (yaml.isSeq(node) && typeof step === 'number' && step < node.items.length) {
      keyNode = undefined;
      node = node.items[step];
    } else {
      break;
    }
  }
  const target = at.part === 'key' && keyNode ? keyNode : (node ?? keyNode);
  const range = (target as { range?: [number, number, number] } | null)?.range;
  const offset = range ? range[0] : 0;
  const { line, col } = lineCounter.linePos(offset);
  return { file: at.file, line, col };
}
