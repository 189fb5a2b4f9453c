import { isPrototypeKey } from '../core/errors.js';

/**
 * Names as tfjs may hold them. Keras takes any layer name without "/"
 * ("my input", "é", "a:b"); tfjs refuses names outside
 * [A-Za-z0-9][-A-Za-z0-9._/]* ("Not a valid tensor name") and keeps layers
 * by name in plain objects, where "constructor" or "__proto__" would reach a
 * prototype. Such a name gets a stand-in on the tfjs side, made of the
 * name's valid characters and a ".." no Keras auto-name has, and every name
 * read back from tfjs is turned into the user's again: the user never sees
 * the stand-in.
 */
const TFJS_NAME = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

const standIns = new Map<string, string>();
const userNames = new Map<string, string>();

/** The name tfjs gets for a user's name: the name itself whenever tfjs can hold it. */
export function tfjsName(name: string): string {
  if (TFJS_NAME.test(name) && !isPrototypeKey(name) && !userNames.has(name)) return name;
  let standIn = standIns.get(name);
  if (standIn === undefined) {
    const valid = name.replace(/[^-A-Za-z0-9._]/g, '_').replace(/^[^A-Za-z0-9]/, 'x').slice(0, 64);
    standIn = `${valid}..${standIns.size + 1}`;
    standIns.set(name, standIn);
    userNames.set(standIn, name);
  }
  return standIn;
}

/** The user's name for a name tfjs holds. */
export function userName(name: string): string {
  return userNames.get(name) ?? name;
}

/** A tfjs message with every stand-in in it put back as the user's name. */
export function inUserNames(message: string): string {
  if (userNames.size === 0 || !message.includes('..')) return message;
  return message.replace(/[-A-Za-z0-9._/]*\.\.\d+/g, (found) => {
    for (let start = 0; start < found.length; start++) {
      const user = userNames.get(found.slice(start));
      if (user !== undefined) return found.slice(0, start) + user;
    }
    return found;
  });
}

/**
 * A Keras configuration in tfjs's form with every name tfjs cannot hold
 * replaced by its stand-in: layer and model names, and the names in the
 * wiring (inbound nodes, input and output layers). A copy; nothing changes
 * for a model whose names tfjs can hold.
 */
export function withTfjsNames(config: unknown, key?: string): unknown {
  if (typeof config === 'string') return key === 'name' ? tfjsName(config) : config;
  if (Array.isArray(config)) {
    if (key !== undefined && WIRING_KEYS.has(key)) return config.map((item) => renameReferences(item));
    return config.map((item) => withTfjsNames(item));
  }
  if (config === null || typeof config !== 'object') return config;
  const out: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(config)) Object.defineProperty(out, k, { value: withTfjsNames(value, k), writable: true, enumerable: true, configurable: true });
  return out;
}

const WIRING_KEYS = new Set(['inboundNodes', 'inputLayers', 'outputLayers']);

/** A reference [name, call, output, ...] or a list of them, at any depth of a wiring list. */
function renameReferences(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  if (typeof value[0] === 'string') return [tfjsName(value[0]), ...value.slice(1)];
  return value.map(renameReferences);
}
