import type { Command } from 'commander';
import { diffModels } from '../analysis/diff.js';
import { analyzeFile } from '../pipeline.js';
import { renderDiff, renderDiffMarkdown } from '../render/diff.js';
import { renderJson } from '../render/json.js';
import { EXIT, addOutputOptions, outputFormat, terminal, write, type OutputOptions } from './output.js';

interface DiffOptions extends OutputOptions {
  all?: boolean;
  allowUnknown?: boolean;
  exitCode?: boolean;
}

export function addDiffCommand(program: Command, setStatus: (status: number) => void): void {
  addOutputOptions(
    program
      .command('diff')
      .description('compare two models layer by layer: output shapes, parameters, totals')
      .argument('<a>', 'the first model (YAML spec)')
      .argument('<b>', 'the second model')
      .option('--all', 'also show the layers that did not change')
      .option('--exit-code', 'exit 1 when the models differ, like git diff --exit-code')
      .option('--allow-unknown', 'take layers of unknown classes as shape-preserving'),
    ['text', 'markdown', 'json'],
  ).action((a: string, b: string, options: DiffOptions) => {
    const format = outputFormat(options);
    const diff = diffModels(analyzeFile(a, { merges: false, allowUnknown: options.allowUnknown }), analyzeFile(b, { merges: false, allowUnknown: options.allowUnknown }));
    if (format === 'json') write(renderJson(diff));
    else if (format === 'markdown') write(renderDiffMarkdown(diff, { all: Boolean(options.all) }));
    else write(renderDiff(diff, { ...terminal(options), all: Boolean(options.all) }));
    setStatus(options.exitCode && !diff.identical ? EXIT.failed : EXIT.ok);
  });
}
