// The README's examples are real runs of the built CLI, so they cannot drift.
//
// Each example is a marker comment followed by a fenced block:
//
//   <!-- example: merge-summary fixtures/seed-concat.yaml --width 100 -->
//   ```
//   (replaced by "$ merge-summary ..." and what that command prints)
//   ```
//
// `(from "TEXT")` after the command keeps the output from the first line
// starting with TEXT. Commands run piped, without colour or COLUMNS.
//
//   node tools/readme-examples.mjs           rewrites README.md (npm run readme)
//   node tools/readme-examples.mjs --check   exit 1 when README.md is not what the runs print
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readmePath = join(root, 'README.md');
// The marker, the opening fence, any lines, and the first line that is only a closing fence.
const EXAMPLE = /<!-- example: merge-summary (.*?)(?: \(from "([^"]+)"\))? -->\n```[^\n]*\n(?:[^\n]*\n)*?```$/gm;

function run(args) {
  const env = { ...process.env };
  for (const key of ['NO_COLOR', 'FORCE_COLOR', 'COLUMNS']) delete env[key];
  const result = spawnSync(process.execPath, [join(root, 'bin', 'merge-summary.js'), ...args], { cwd: root, env, encoding: 'utf8' });
  if (result.error) throw result.error;
  // diff and check exit 1 to say "different" or "over budget": still an example.
  if (result.status === 2) throw new Error(`merge-summary ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** The README with every example block replaced by its command's output. */
export function renderReadme(text) {
  return text.replace(EXAMPLE, (_, command, from) => {
    let output = run(command.split(' ').filter(Boolean));
    if (from !== undefined) {
      const lines = output.split('\n');
      const start = lines.findIndex((line) => line.startsWith(from));
      if (start < 0) throw new Error(`merge-summary ${command}: no line starts with "${from}"`);
      output = ['...', ...lines.slice(start)].join('\n');
    }
    const marker = `<!-- example: merge-summary ${command}${from !== undefined ? ` (from "${from}")` : ''} -->`;
    return `${marker}\n\`\`\`\n$ merge-summary ${command}\n${output.replace(/\n+$/, '')}\n\`\`\``;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const current = readFileSync(readmePath, 'utf8');
  const fresh = renderReadme(current);
  if (process.argv.includes('--check')) {
    if (fresh !== current) {
      console.error('README.md examples are out of date: run npm run readme');
      process.exit(1);
    }
  } else {
    writeFileSync(readmePath, fresh);
    console.log(fresh === current ? 'README.md examples are up to date' : 'README.md examples rewritten');
  }
}
