import { isSpecError, type Breach, type CheckReport, type ResponsibleLayer, type SpecCheck } from '../analysis/check.js';
import { code, markdownTable } from './markdown.js';
import { formatBytes, formatCount, formatOps, formatSignedCount } from '../core/numbers.js';
import type { Palette } from './palette.js';
import { percentText } from './costs.js';
import { wrapSegments } from './layout.js';

/** What each budget is called, and which option sets it. */
const BUDGET: Record<Breach['kind'], { what: string; option: string }> = {
  'max-params': { what: 'total params', option: '--max-params' },
  'max-trainable': { what: 'trainable params', option: '--max-trainable' },
  'max-size': { what: 'parameter memory', option: '--max-size' },
  'max-layer-params': { what: 'layer params', option: '--max-layer-params' },
  'baseline-total': { what: 'total params against the baseline', option: '--tolerance' },
  'baseline-layer': { what: 'layer params against the baseline', option: '--per-layer' },
  'max-macs': { what: 'mult-adds', option: '--max-macs' },
  'max-activations': { what: 'peak activation memory', option: '--max-activations' },
  'baseline-macs': { what: 'mult-adds against the baseline', option: '--tolerance' },
  'baseline-activations': { what: 'peak activation memory against the baseline', option: '--tolerance' },
};

const amount = (breach: Breach, n: number) =>
  breach.unit === 'bytes' ? `${formatBytes(n)} (${formatCount(n)} bytes)` : breach.unit === 'macs' ? `${formatOps(n)} (${formatCount(n)})` : formatCount(n);

/** How much over, in the breach's unit: "86,546", "1.50 MB", "1.57 M". */
const excessText = (breach: Breach) => (breach.unit === 'bytes' ? formatBytes(breach.excess) : breach.unit === 'macs' ? formatOps(breach.excess) : formatCount(breach.excess));

/** One sentence a reviewer cannot misread: which budget, the number, the limit, by how much. */
export function breachHeadline(breach: Breach, report: CheckReport, spec: SpecCheck): string {
  const over = `over by ${excessText(breach)}, ${percentText(breach.excessPercent)}`;
  const at = breach.at ? `, at ${breach.at}` : '';
  switch (breach.kind) {
    case 'baseline-macs':
    case 'baseline-activations':
      return `${breach.kind === 'baseline-macs' ? 'mult-adds' : 'peak activation memory'} grew ${amount(breach, breach.baseline!)} → ${amount(breach, breach.actual)} (${percentText(breach.growthPercent!)})${at}, more than --tolerance ${report.tolerancePercent}% of the baseline ${spec.baseline!.source} allows (at most ${amount(breach, breach.limit)}; ${over})`;
    case 'max-activations':
      return `peak activation memory ${amount(breach, breach.actual)}${at} exceeds --max-activations ${amount(breach, breach.limit)} (${over})`;
    case 'baseline-total':
      return `total params grew ${formatCount(breach.baseline!)} → ${formatCount(breach.actual)} (${percentText(breach.growthPercent!)}), more than --tolerance ${report.tolerancePercent}% of the baseline ${spec.baseline!.source} allows (at most ${formatCount(breach.limit)}; ${over})`;
    case 'baseline-layer':
      return `${breach.layers.length} layer${breach.layers.length === 1 ? '' : 's'} grew more than --tolerance ${report.tolerancePercent}% against the baseline ${spec.baseline!.source}`;
    case 'max-layer-params':
      return `${breach.layers.length} layer${breach.layers.length === 1 ? ' has' : 's have'} more than --max-layer-params ${formatCount(breach.limit)} params (largest ${formatCount(breach.actual)}; ${over})`;
    default:
      return `${BUDGET[breach.kind].what} ${amount(breach, breach.actual)} exceed ${BUDGET[breach.kind].option} ${amount(breach, breach.limit)} (${over})`;
  }
}

/** The layers responsible, as a phrase. */
export function responsibleText(breach: Breach): string {
  const grewAgainstBaseline = breach.kind === 'baseline-total' || breach.kind === 'baseline-layer' || breach.kind === 'baseline-macs';
  const label = grewAgainstBaseline ? 'grew most' : breach.kind === 'max-layer-params' ? 'layers' : 'largest layers';
  const one = (layer: ResponsibleLayer) => {
    if (breach.kind === 'baseline-macs') return `${layer.name} (${layer.type}) ${formatCount(layer.baselineMacs ?? 0)} → ${formatCount(layer.macs ?? 0)} (${formatSignedCount(layer.change!)})`;
    if (breach.kind === 'max-macs') return `${layer.name} (${layer.type}) ${formatCount(layer.macs ?? 0)}`;
    return grewAgainstBaseline
      ? `${layer.name} (${layer.type}) ${layer.baselineParams === 0 ? 'new, ' : `${formatCount(layer.baselineParams!)} → `}${formatCount(layer.params)} (${formatSignedCount(layer.change!)})`
      : `${layer.name} (${layer.type}) ${formatCount(layer.params)}`;
  };
  if (breach.layers.length === 0) return '';
  return `${label}: ${breach.layers.map(one).join('; ')}`;
}

export function renderCheck(report: CheckReport, options: { palette: Palette; width: number }): string {
  const { palette } = options;
  const lines: string[] = [];
  for (const spec of report.results) {
    if (isSpecError(spec)) {
      // A message located in the spec itself (SPEC:LINE:COL: ...) names it already; any other (its baseline's, or none) is said of the spec.
      const message = spec.error.file === spec.spec ? spec.error.message : `${spec.spec}: ${spec.error.message}`;
      lines.push(wrapSegments([['ERROR', palette.fail], [` ${message}`]], options.width, '  '));
      continue;
    }
    const verdict = spec.passed ? palette.ok('PASS') : palette.fail('FAIL');
    const baseline = spec.baseline ? `, baseline ${formatCount(spec.baseline.params)}` : '';
    lines.push(`${verdict} ${spec.spec} ("${spec.name}"): ${formatCount(spec.totals.params)} params, ${formatBytes(spec.totals.bytes)}${baseline}`);
    for (const breach of spec.breaches) {
      lines.push(wrapSegments([['  ✗ ', palette.fail], [breachHeadline(breach, report, spec)]], options.width, '    '));
      const layers = responsibleText(breach);
      if (layers) lines.push(wrapSegments([[`    ${layers}`, palette.dim]], options.width, '      '));
    }
    for (const note of spec.notes ?? []) lines.push(wrapSegments([[`  note: ${note}`, palette.dim]], options.width, '    '));
  }
  const failed = report.results.filter((spec) => !spec.passed && !isSpecError(spec)).length;
  const specs = (n: number) => `${n} spec${n === 1 ? '' : 's'}`;
  const errors = report.errors > 0 ? `${report.errors} of ${specs(report.results.length)} could not be checked; ` : '';
  lines.push(
    failed === 0 && report.errors === 0
      ? palette.ok(`${report.results.length === 1 ? 'Within' : `All ${specs(report.results.length)} within`} budget.`)
      : palette.fail(`${errors}${failed} of ${specs(report.results.length)} over budget.`),
  );
  return `${lines.join('\n')}\n`;
}

export function renderCheckMarkdown(report: CheckReport): string {
  const checked = report.results.filter((spec): spec is SpecCheck => !isSpecError(spec));
  const failed = checked.filter((spec) => !spec.passed);
  const errorTitle = report.errors > 0 ? `⚠️ ${report.errors} of ${report.results.length} could not be checked, ` : '';
  const title = failed.length === 0 && report.errors === 0 ? `✅ all ${report.results.length} within budget` : `${errorTitle}❌ ${failed.length} of ${report.results.length} over budget`;
  const lines = [`### merge-summary check: ${title}`, ''];
  lines.push(
    markdownTable(
      ['Spec', 'Model', 'Params', 'Size', 'Verdict'],
      report.results.map((spec) => isSpecError(spec) ? [code(spec.spec), '', '', '', '⚠️ error'] : [
        code(spec.spec),
        spec.name,
        formatCount(spec.totals.params),
        formatBytes(spec.totals.bytes),
        spec.passed ? '✅ pass' : `❌ ${spec.breaches.length} breach${spec.breaches.length === 1 ? '' : 'es'}`,
      ]),
      ['left', 'left', 'right', 'right', 'left'],
    ),
  );
  for (const spec of report.results.filter(isSpecError)) {
    lines.push('', `#### ⚠️ ${code(spec.spec)}`, '', `${spec.error.message.replace(/\|/g, '\\|')}`);
  }
  for (const spec of failed) {
    lines.push('', `#### ❌ ${code(spec.spec)}`, '');
    for (const breach of spec.breaches) {
      const layers = responsibleText(breach);
      lines.push(`- **${BUDGET[breach.kind].option}**: ${breachHeadline(breach, report, spec)}${layers ? `. ${capitalize(layers)}.` : '.'}`);
    }
    for (const note of spec.notes ?? []) lines.push(`- note: ${note}`);
  }
  return `${lines.join('\n')}\n`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
