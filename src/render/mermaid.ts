import type { Picture } from '../analysis/picture.js';
import { COLORS, nodeColors, nodeLines, type DotOptions } from './dot.js';

const text = (line: string) => line.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

/** The picture as a Mermaid flowchart, for Markdown that renders it (GitHub, GitLab). */
export function renderMermaid(picture: Picture, options: DotOptions): string {
  const id = new Map(picture.nodes.map((node, i) => [node.name, `n${i}`]));
  const out = [`flowchart ${options.rankdir}`];
  for (const node of picture.nodes) {
    const label = [`<b>${text(node.name)}</b> (${text(node.type)})`, ...nodeLines(node, options).map(text)].join('<br/>');
    out.push(`  ${id.get(node.name)}["${label}"]`);
  }
  for (const edge of picture.edges) out.push(`  ${id.get(edge.from)} --> ${id.get(edge.to)}`);
  for (const [name, { fill, border }] of Object.entries(COLORS)) {
    if (name !== 'plain') out.push(`  classDef ${name} fill:${fill},stroke:${border},stroke-width:2px`);
  }
  for (const node of picture.nodes) {
    const style = nodeColors(node);
    const name = Object.entries(COLORS).find(([, colors]) => colors === style)![0];
    if (name !== 'plain') out.push(`  class ${id.get(node.name)} ${name}`);
  }
  return `${out.join('\n')}\n`;
}
