import type { SourceLocation } from '../errors.js';
import { UserError } from '../errors.js';

/** Far deeper than any model spec; shallow enough that parsing stays safe. */
export const MAX_NESTING = 64;

/**
 * The YAML parser recurses once per nesting level and, on some inputs around
 * ten thousand levels, aborts the whole process instead of throwing. This
 * linear scan refuses such text before the parser sees it. It counts flow
 * brackets outside quotes and comments plus block levels from indentation
 * and `- ` markers, which is an upper bound of what the parser will recurse.
 */
export function refuseDeepNesting(text: string, file: string): void {
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | null = null;
  let line = 1;
  let lineStart = 0;
  let atLineStart = true;
  let blockDepth = 0;
  const fail = (i: number): never => {
    const at: SourceLocation = { file, line, col: i - lineStart + 1 };
    throw new UserError(
      `nesting is deeper than ${MAX_NESTING} levels; a model spec needs far fewer, so this is refused rather than parsed`,
      at,
    );
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      line += 1;
      lineStart = i + 1;
      atLineStart = true;
      continue;
    }
    if (atLineStart && flow === 0 && quote === null) {
      if (ch === ' ') continue;
      if (ch === '#') {
        i = skipToLineEnd(text, i);
        continue;
      }
      atLineStart = false;
      const indent = i - lineStart;
      while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
      blockDepth = indents.length;
      let j = i;
      while (text[j] === '-' && (text[j + 1] === ' ' || text[j + 1] === '\n')) {
        blockDepth += 1;
        j += 2;
        while (text[j] === ' ') j += 1;
      }
      if (blockDepth + flow > MAX_NESTING) fail(i);
    }
    atLineStart = false;
    if (quote !== null) {
      if (quote === '"' && ch === '\\') i += 1;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const prev = text[i - 1];
      if (i === lineStart || prev === ' ' || prev === '[' || prev === '{' || prev === ',' || prev === ':' || prev === '-') {
        quote = ch;
      }
    } else if (ch === '#' && (i === lineStart || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      i = skipToLineEnd(text, i);
    } else if (ch === '[' || ch === '{') {
      flow += 1;
      if (blockDepth + flow > MAX_NESTING) fail(i);
    } else if ((ch === ']' || ch === '}') && flow > 0) {
      flow -= 1;
    }
  }
}

function skipToLineEnd(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return (end === -1 ? text.length : end) - 1;
}
