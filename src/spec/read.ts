import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { ModelGraph } from './graph.js';
import { refuseDeepNesting } from './yaml-guard.js';
import { parseYaml, readYamlSpec } from './yaml-spec.js';

/** Reads a model from a file, or from standard input when the path is "-". */
export function readModelGraph(path: string): ModelGraph {
  return parseModelText(readSource(path), path);
}

export function parseModelText(text: string, source: string): ModelGraph {
  const file = source === '-' ? '<stdin>' : source;
  refuseDeepNesting(text, file);
  const { doc, positions } = parseYaml(text, file);
  return readYamlSpec(doc, positions, source);
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
    throw new UserError(`cannot read the model: ${why}`, { file: path === '-' ? '<stdin>' : path });
  }
}
