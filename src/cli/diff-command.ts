import type { Command } from 'commander';
import { diffModels } from '../analysis/diff.js';
import { analyzeFileAsync } from '../pipeline.js';
import { renderDiff, renderDiffMarkdown } from '../render/diff.js';
import { renderJson } from '../render/json.js';
import { EXIT, type Io } from './io.js';
import { addCostOptions, addModelOptions, addOutputOptions, outputFormat, readOptions, terminal, type CostOptions, type ModelOptions, type OutputOptions } from './output.js';

interface DiffOptions extends OutputOptions, ModelOptions, CostOptions {
  all?: boolean;
  exitCode?: boolean;
}

export function addDiffCommand(program: Command, io: Io, setStatus: (status: number) => void): void {
  addCostOptions(addModelOptions(
    addOutputOptions(
      program
        .command('diff')
        .description('compare two models layer by layer: output shapes, parameters, mult-adds, totals')
        .argument('<a>', 'the first model')
        .argument('<b>', 'the second model')
        .option('--all', 'also show the layers that did not change')
        .option('--exit-code', 'exit 1 when the models differ, like git diff --exit-code'),
      ['text', 'markdown', 'json'],
    ),
  )).action(async (a: string, b: string, options: DiffOptions) => {
    const format = outputFormat(options);
    const read = { ...readOptions(options), merges: false, batchSize: options.batchSize };
    const diff = diffModels(await analyzeFileAsync(a, read), await analyzeFileAsync(b, read));
    if (format === 'json') io.stdout.write(renderJson(diff));
    else if (format === 'markdown') io.stdout.write(renderDiffMarkdown(diff, { all: Boolean(options.all) }));
    else io.stdout.write(renderDiff(diff, { ...terminal(options, io), all: Boolean(options.all) }));
    setStatus(options.exitCode && !diff.identical ? EXIT.failed : EXIT.ok);
  });
}
