// The examples of the README and of docs/*.md are real runs of the CLI, so
// they cannot drift.
//
// Each example is a marker comment followed by a fenced block:
//
//   <!-- example: merge-summary fixtures/seed-concat.yaml --width 100 -->
//   ```
//   (replaced by "$ merge-summary ..." and what that command prints)
//   ```
//
// `(from "TEXT")` after the command keeps the output from the first line
// starting with TEXT; `(exit 2)` shows what a refused input prints on
// standard error (and fails unless the command exits 2). Commands run from
// the repository's root, piped, without colour or COLUMNS.
//
//   node --import tsx tools/readme-examples.ts   rewrites them with the built binary (npm run readme)
//
// The test suite calls renderReadme with the CLI run in-process (the same
// code, without a process per example) and fails when a document differs.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const README = join(root, 'README.md');
/** Every document with examples. */
export const DOCUMENTS = [README, join(root, 'docs', 'model-spec.md'), join(root, 'docs', 'json.md')];

/** How an example runs: the arguments after "merge-summary", run from the repository's root; gives status and output. */
export type ExampleRunner = (args: string[]) => Promise<{ status: number | null; stdout: string; stderr: string }>;

// The marker, the opening fence, any lines, and the first line that is only a closing fence.
const EXAMPLE = /<!-- example: merge-summary (.*?)(?: \(from "([^"]+)"\))?( \(exit 2\))? -->\n```[^\n]*\n(?:[^\n]*\n)*?```$/gm;

/** The built binary in a process of its own, piped, without colour settings. */
export const runBinary: ExampleRunner = async (args) => {
  const env = { ...process.env };
  for (const key of ['NO_COLOR', 'FORCE_COLOR', 'COLUMNS']) delete env[key];
  const result = spawnSync(process.execPath, [join(root, 'bin', 'merge-summary.js'), ...args], { cwd: root, env, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** The README with every example block replaced by its command's output. */
export async function renderReadme(text: string, run: ExampleRunner): Promise<string> {
  const examples = [...text.matchAll(EXAMPLE)];
  const outputs: string[] = [];
  for (const [, command, from, refused] of examples) {
    const args = command.split(' ').filter(Boolean);
    const result = await run(args);
    if (refused && result.status !== 2) throw new Error(`merge-summary ${command}: exit ${result.status}, not 2`);
    // diff and check exit 1 to say "different" or "over budget": still an example.
    if (!refused && result.status === 2) throw new Error(`merge-summary ${command}: ${result.stderr}`);
    let output = refused ? result.stderr : result.stdout;
    if (from !== undefined) {
      const lines = output.split('\n');
      const start = lines.findIndex((line) => line.startsWith(from));
      if (start < 0) throw new Error(`merge-summary ${command}: no line starts with "${from}"`);
      output = ['...', ...lines.slice(start)].join('\n');
    }
    const marker = `<!-- example: merge-summary ${command}${from !== undefined ? ` (from "${from}")` : ''}${refused ?? ''} -->`;
    outputs.push(`${marker}\n\`\`\`\n$ merge-summary ${command}\n${output.replace(/\n+$/, '')}\n\`\`\``);
  }
  let i = 0;
  return text.replace(EXAMPLE, () => outputs[i++]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const document of DOCUMENTS) {
    const current = readFileSync(document, 'utf8');
    const fresh = await renderReadme(current, runBinary);
    writeFileSync(document, fresh);
    console.log(`${document}: ${fresh === current ? 'examples up to date' : 'examples rewritten'}`);
  }
}
