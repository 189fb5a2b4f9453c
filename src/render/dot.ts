import type { Picture, PictureNode } from '../analysis/picture.js';
import { formatShape, formatShapes } from '../core/shapes.js';
import { DEPENDS_MARK, MERGE_MARK, mergeNotation } from './merge-notation.js';
import { formatCount } from '../core/numbers.js';

export interface DotOptions {
  rankdir: 'TB' | 'LR';
  shapes: boolean;
  params: boolean;
}

/** Fill and border by what a layer is: merges stand out, what they decide is tinted. */
export const COLORS = {
  plain: { fill: '#ffffff', border: '#4b5563' },
  merge: { fill: '#f5d0fe', border: '#a21caf' },
  affected: { fill: '#fef3c7', border: '#b45309' },
  changed: { fill: '#fed7aa', border: '#c2410c' },
  added: { fill: '#bbf7d0', border: '#15803d' },
} as const;

export const FONT = 'DejaVu Sans';

export function nodeColors(node: PictureNode) {
  if (node.difference) return COLORS[node.difference.status];
  return COLORS[node.role];
}

const html = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The lines under a node's name, shared by DOT and Mermaid. */
export function nodeLines(node: PictureNode, options: { shapes: boolean; params: boolean }): string[] {
  const lines: string[] = [];
  if (options.shapes) {
    if (node.inputShapes.length > 0) lines.push(`input: ${node.inputShapes.map(formatShape).join(', ')}`);
    lines.push(`output: ${formatShapes(node.outputShape)}${node.unverified ? ' ?' : ''}`);
  }
  if (options.params) lines.push(`params: ${formatCount(node.params)}`);
  if (node.innerMerges) lines.push(`${MERGE_MARK} inside: ${node.innerMerges}`);
  if (node.merge) lines.push(`${MERGE_MARK} ${mergeNotation(node.merge)}`);
  else if (node.role === 'merge') lines.push(`${MERGE_MARK} ends in ${node.merges.join(', ')}`);
  else if (node.role === 'affected') lines.push(`${DEPENDS_MARK} depends on ${node.merges.slice(0, 3).join(', ')}${node.merges.length > 3 ? ` +${node.merges.length - 3}` : ''}`);
  for (const alt of node.alternatives) {
    const parts = [
      ...(alt.outputShape ? [`output → ${formatShapes(alt.outputShape)}`] : []),
      ...(alt.params !== undefined ? [`params ${formatCount(node.params)} → ${formatCount(alt.params)}`] : []),
    ];
    lines.push(`${alt.merge} as ${alt.type}: ${parts.join(', ')}`);
  }
  const diff = node.difference;
  if (diff?.status === 'added') lines.push('+ not in the other model');
  if (diff?.type) lines.push(`≠ type ${diff.type[0]} vs ${diff.type[1]}`);
  if (diff?.outputShape) lines.push(`≠ output vs ${formatShapes(diff.outputShape[1])}`);
  if (diff?.params) lines.push(`≠ params ${formatCount(diff.params[0])} vs ${formatCount(diff.params[1])}`);
  return lines;
}

/** What the colours of a picture mean, for those it uses. */
export function legendRows(picture: Picture): { fill: string; border: string; text: string }[] {
  const used = new Set(picture.nodes.map((node) => (node.difference ? node.difference.status : node.role)));
  const meaning: [keyof typeof COLORS, string][] = [
    ['merge', 'a merge (Add, Concatenate, ...)'],
    ['affected', 'its shape or size depends on a merge'],
    ['changed', 'differs from the compared model'],
    ['added', 'not in the compared model'],
  ];
  return meaning.filter(([name]) => used.has(name)).map(([name, text]) => ({ ...COLORS[name], text }));
}

/** Graphviz source in the manner of Keras's plot_model(show_shapes=True). */
export function renderDot(picture: Picture, options: DotOptions): string {
  const out = [
    `digraph "${picture.name.replace(/"/g, '\\"')}" {`,
    `  graph [rankdir=${options.rankdir}, fontname="${FONT}", ranksep=0.3, nodesep=0.25, labelloc=t, label=<<B>${html(picture.name)}</B>${picture.comparedWith ? html(` compared with ${picture.comparedWith}`) : ''}${picture.collapsed ? html(` (${picture.collapsed} repeated blocks drawn as one node each; --all-layers draws every layer)`) : ''}>];`,
    `  node [shape=plain, fontname="${FONT}", fontsize=10];`,
    `  edge [color="#6b7280", arrowsize=0.6];`,
  ];
  const clustered = new Set(picture.clusters.flatMap((cluster) => cluster.members));
  const byName = new Map(picture.nodes.map((node) => [node.name, node]));
  const nodeLine = (node: PictureNode, indent: string) => {
    const { fill, border } = nodeColors(node);
    const rows = nodeLines(node, options).map((line) => `<TR><TD ALIGN="LEFT">${html(line)}</TD></TR>`).join('');
    const width = node.role === 'merge' || node.difference ? 2 : 1;
    return `${indent}"${node.name}" [label=<<TABLE BORDER="${width}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" BGCOLOR="${fill}" COLOR="${border}"><TR><TD><B>${html(node.name)}</B> (${html(node.type)})</TD></TR>${rows}</TABLE>>];`;
  };
  for (const node of picture.nodes) if (!clustered.has(node.name)) out.push(nodeLine(node, '  '));
  picture.clusters.forEach((cluster, i) => {
    out.push(`  subgraph cluster_${i} {`, `    label="${cluster.name}"; style="rounded,dashed"; color="#9ca3af"; fontsize=10;`);
    for (const member of cluster.members) out.push(nodeLine(byName.get(member)!, '    '));
    out.push('  }');
  });
  for (const edge of picture.edges) out.push(`  "${edge.from}" -> "${edge.to}";`);
  const legend = legendRows(picture);
  if (legend.length > 0) {
    const rows = legend.map(({ fill, border, text }) => `<TR><TD BGCOLOR="${fill}" COLOR="${border}" BORDER="1" WIDTH="14"></TD><TD ALIGN="LEFT">${html(text)}</TD></TR>`).join('');
    out.push(`  "legend" [label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="2"><TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B></TD></TR>${rows}</TABLE>>];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
