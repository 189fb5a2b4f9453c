import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, runCli } from './helpers.js';
import { readSchema } from './json-schemas.js';

const MARKDOWN = ['README.md', 'docs/model-spec.md', 'docs/json.md', 'docs/costs.md', 'fixtures/files/README.md', 'fonts/README.md'];
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** True when every value `excerpt` shows is the value at the same place in `actual` (objects may leave keys out; lists are whole). */
function shows(excerpt: unknown, actual: unknown, at = ''): string[] {
  if (Array.isArray(excerpt)) {
    if (!Array.isArray(actual) || actual.length !== excerpt.length) return [`${at || '/'}: ${JSON.stringify(excerpt).slice(0, 60)} is not ${JSON.stringify(actual)?.slice(0, 60)}`];
    return excerpt.flatMap((item, i) => shows(item, actual[i], `${at}/${i}`));
  }
  if (excerpt !== null && typeof excerpt === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${at || '/'}: not an object`];
    return Object.entries(excerpt).flatMap(([key, value]) => (key in actual ? shows(value, (actual as Record<string, unknown>)[key], `${at}/${key}`) : [`${at}/${key}: absent`]));
  }
  return excerpt === actual ? [] : [`${at}: ${JSON.stringify(excerpt)} is ${JSON.stringify(actual)}`];
}

describe('the documents', () => {
  it('every abridged example of docs/json.md shows what its command prints', async () => {
    const text = read('docs/json.md');
    const examples = [...text.matchAll(/<!-- abridged: merge-summary (.*?) -->\n```json\n([\s\S]*?)\n```/g)];
    assert.equal(examples.length, 3);
    for (const [, command, excerpt] of examples) {
      const result = await runCli(command.split(' '), { cwd: ROOT });
      assert.deepEqual(shows(JSON.parse(excerpt), JSON.parse(result.stdout)), [], `merge-summary ${command}`);
    }
  });

  it('each refused spec docs/model-spec.md shows is the file its example runs', () => {
    const text = read('docs/model-spec.md');
    const shown = [...text.matchAll(/```yaml\n((?:(?!```)[\s\S])*)```\n\n<!-- example: merge-summary (docs\/examples\/\S+\.yaml) \(exit 2\) -->/g)];
    assert.ok(shown.length >= 10, `${shown.length} refused specs shown`);
    for (const [, yaml, file] of shown) assert.equal(yaml, read(file), file);
  });

  it('docs/model-spec.md names every layer type the schema (and so the tool) knows', () => {
    const text = read('docs/model-spec.md');
    const types = ((readSchema('model-spec.schema.json').definitions as Record<string, { properties: { type: { enum: string[] } } }>).layer.properties.type.enum);
    assert.deepEqual(types.filter((type) => !text.includes(`\`${type}\``)), []);
  });

  it('the README and the docs link only to files of the repository that exist, or to web pages', () => {
    for (const file of MARKDOWN) {
      const text = read(file);
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|#|mailto:)/.test(target)) continue;
        const path = join(ROOT, dirname(file), target.split('#')[0]);
        assert.ok(!relative(ROOT, path).startsWith('..'), `${file} links outside the repository: ${target}`);
        assert.ok(existsSync(path), `${file} links to ${target}, which does not exist`);
      }
      assert.doesNotMatch(text, /\.\.\/shared\/(model-spec|summary-json)\.md/, `${file} sends readers to ../shared`);
    }
  });

  it('every example spec of docs/examples/ is used by a document', () => {
    const all = MARKDOWN.map(read).join('\n');
    const unused = readdirSync(join(ROOT, 'docs', 'examples')).filter((name) => !all.includes(`docs/examples/${name}`));
    assert.deepEqual(unused, []);
  });
});
