import { sameShape, type FullShape } from '../core/shapes.js';
import type { ModelDiff } from './diff.js';
import { mergeId } from './merges.js';
import type { MergeSummary, ModelSummary } from './types.js';

/** What a picture of the model shows: layers, wiring, merges and what they decide. */
export interface Picture {
  name: string;
  nodes: PictureNode[];
  edges: { from: string; to: string }[];
  /** Groups of layers of one repeated block (conv2_block1_...), drawn boxed in large models. */
  clusters: { name: string; members: string[] }[];
  /** With --compare: the model compared with. */
  comparedWith?: string;
  /** How many repeated blocks are drawn as one node each. */
  collapsed?: number;
}

export interface PictureNode {
  name: string;
  type: string;
  inputShapes: FullShape[];
  outputShape: FullShape | FullShape[];
  params: number;
  /** A merge; a layer whose shape or size depends on a merge; or neither. */
  role: 'merge' | 'affected' | 'plain';
  /** For a merge: itself; for an affected layer: the merges it depends on. */
  merges: string[];
  /** For a merge: its analysis, to say how it combines its inputs. */
  merge?: MergeSummary;
  /** For a layer in a merge's footprint: what it would be with that merge swapped. */
  alternatives: { merge: string; type: string; outputShape?: FullShape | FullShape[]; params?: number }[];
  /** For a model used as a layer: the merges inside it, as "Add×16". */
  innerMerges?: string;
  /** With --compare: how this layer differs from the other model's. */
  difference?: { status: 'changed' | 'added'; params?: [number, number]; outputShape?: [FullShape | FullShape[], FullShape | FullShape[]]; type?: [string, string] };
  unverified: boolean;
}

/** Models with more layers than this are drawn with their repeated blocks boxed. */
const CLUSTER_FROM = 60;
/** ... and with more than this, each block is one node unless every layer is asked for. */
const COLLAPSE_FROM = 150;

/**
 * The picture of a model: every layer, or (large models, or `collapse`
 * asked for) one node per repeated block. `allLayers` keeps every layer.
 */
export function pictureOf(summary: ModelSummary, diff?: ModelDiff, options: { allLayers?: boolean; collapse?: boolean } = {}): Picture {
  const picture = layerPicture(summary, diff);
  if (options.allLayers) return picture;
  const collapse = options.collapse ?? summary.layers.length > COLLAPSE_FROM;
  return collapse && picture.clusters.length > 0 ? collapseBlocks(picture) : picture;
}

/** Whether a picture could be drawn smaller by collapsing its repeated blocks. */
export function canCollapse(summary: ModelSummary): boolean {
  return clustersOf(summary.layers.map((layer) => layer.name)).length > 0;
}

/**
 * One node for each repeated block: DenseNet121's 429 layers become about 70
 * nodes, a picture one can read. A block is coloured as the most telling of
 * its layers (a merge, else a layer a merge decides).
 */
function collapseBlocks(picture: Picture): Picture {
  const blockOf = new Map<string, string>();
  for (const cluster of picture.clusters) for (const member of cluster.members) blockOf.set(member, cluster.name);
  const nodes: PictureNode[] = [];
  const seen = new Set<string>();
  for (const node of picture.nodes) {
    const block = blockOf.get(node.name);
    if (!block) {
      nodes.push(node);
      continue;
    }
    if (seen.has(block)) continue;
    seen.add(block);
    const members = picture.nodes.filter((n) => blockOf.get(n.name) === block);
    const merges = members.filter((m) => m.role === 'merge');
    nodes.push({
      name: block,
      type: `${members.length} layers`,
      inputShapes: members[0].inputShapes,
      outputShape: members[members.length - 1].outputShape,
      params: members.reduce((sum, m) => sum + m.params, 0),
      role: merges.length > 0 ? 'merge' : members.some((m) => m.role === 'affected') ? 'affected' : 'plain',
      merges: merges.length > 0 ? merges.map((m) => m.name) : [...new Set(members.flatMap((m) => m.merges))],
      alternatives: [],
      ...(members.some((m) => m.difference) ? { difference: { status: 'changed' as const } } : {}),
      unverified: members.some((m) => m.unverified),
    });
  }
  const edgeKeys = new Set<string>();
  const edges: Picture['edges'] = [];
  for (const edge of picture.edges) {
    const from = blockOf.get(edge.from) ?? edge.from;
    const to = blockOf.get(edge.to) ?? edge.to;
    const key = `${from}\u0000${to}`;
    if (from === to || edgeKeys.has(key)) continue;
    edgeKeys.add(key);
    edges.push({ from, to });
  }
  return { ...picture, nodes, edges, clusters: [], collapsed: picture.clusters.length };
}

function layerPicture(summary: ModelSummary, diff?: ModelDiff): Picture {
  // The nodes are the model's own layers: merges inside nested models are counted on their model's node.
  const ownMerges = summary.merges.filter((merge) => !merge.within);
  const mergeNames = new Set(ownMerges.map((merge) => merge.name));
  const mergeByName = new Map(ownMerges.map((merge) => [merge.name, merge]));
  const alternativesOf = (name: string): PictureNode['alternatives'] =>
    summary.merges.flatMap((merge) =>
      merge.affected
        .filter((a) => a.name === name && !a.within)
        .map((a) => ({
          merge: mergeId(merge),
          type: merge.alternative.type as string,
          ...(!sameShape(a.outputShape, a.alternativeOutputShape) ? { outputShape: a.alternativeOutputShape } : {}),
          ...(a.paramsChange !== 0 ? { params: a.alternativeParams } : {}),
        })),
    );
  const differences = new Map<string, NonNullable<PictureNode['difference']>>();
  for (const layer of diff?.layers ?? []) {
    if (!layer.a || layer.within || layer.status === 'unchanged' || layer.status === 'removed') continue;
    const name = layer.a.name;
    if (layer.status === 'added') {
      differences.set(name, { status: 'added' });
      continue;
    }
    const b = layer.b!;
    differences.set(name, {
      status: 'changed',
      ...(layer.differences.includes('params') ? { params: [layer.a.params, b.params] as [number, number] } : {}),
      ...(layer.differences.includes('outputShape') ? { outputShape: [layer.a.outputShape, b.outputShape] as [FullShape, FullShape] } : {}),
      ...(layer.differences.includes('type') ? { type: [layer.a.type, b.type] as [string, string] } : {}),
    });
  }
  const nodes: PictureNode[] = summary.layers.map((layer) => ({
    name: layer.name,
    type: layer.type,
    inputShapes: layer.inputShapes,
    outputShape: layer.outputShape,
    params: layer.params,
    role: mergeNames.has(layer.name) ? 'merge' : layer.dependsOnMerges.length > 0 ? 'affected' : 'plain',
    merges: mergeNames.has(layer.name) ? [layer.name] : layer.dependsOnMerges,
    ...(mergeByName.has(layer.name) ? { merge: mergeByName.get(layer.name) } : {}),
    alternatives: alternativesOf(layer.name),
    ...(layer.nested ? innerMergesOf(summary, layer.name) : {}),
    ...(differences.has(layer.name) ? { difference: differences.get(layer.name) } : {}),
    unverified: Boolean(layer.unverified),
  }));
  const edges = summary.layers.flatMap((layer) => [...new Set(layer.inputs)].map((input) => ({ from: input, to: layer.name })));
  return { name: summary.name, nodes, edges, clusters: clustersOf(summary.layers.map((l) => l.name)), ...(diff ? { comparedWith: diff.a.name === summary.name ? diff.b.name : diff.a.name } : {}) };
}

/**
 * The layers of a repeated block share a prefix whose second part is
 * numbered (conv2_block1_1_conv, conv2_block1_1_bn, ...), as Keras's
 * applications name them; batch_normalization_12 is no block. Boxing blocks
 * keeps a 400-layer picture readable; small models are not boxed.
 */
function clustersOf(names: string[]): Picture['clusters'] {
  if (names.length <= CLUSTER_FROM) return [];
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const parts = name.split('_');
    if (parts.length < 3 || !/\d/.test(parts[1])) continue;
    const key = parts.slice(0, 2).join('_');
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  return [...groups].filter(([, members]) => members.length >= 3).map(([name, members]) => ({ name, members }));
}

/** "Add×16" for a nested model holding 16 Adds (at any depth inside it). */
function innerMergesOf(summary: ModelSummary, name: string): { innerMerges?: string } {
  const counts = new Map<string, number>();
  for (const merge of summary.merges) if (merge.within?.[0] === name) counts.set(merge.type, (counts.get(merge.type) ?? 0) + 1);
  if (counts.size === 0) return {};
  return { innerMerges: [...counts].map(([type, count]) => `${type}×${count}`).join(', ') };
}
