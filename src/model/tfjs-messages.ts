/**
 * tfjs's error messages, in the user's terms. Most are sentences about the
 * layer ("Expected units to be a positive integer"); some are JavaScript's
 * own, from a configuration tfjs did not expect (a missing argument, a
 * number where a list belongs), and some print values as JavaScript does.
 * Those parts are put in words; the rest is kept as tfjs wrote it.
 */
const REWRITES: [RegExp, string | ((...groups: string[]) => string)][] = [
  // tfjs prints the inputs it was given as objects.
  [/\s*Input received: (?:\[object Object\],?)+\.?/g, ''],
  [/\bor null\/undefined\b/g, 'or left out'],
  [/\ba length-undefined array\b/g, 'something that is not a list'],
  [/\bgot undefined\b/g, 'got nothing (it is missing)'],
  [/Cannot read propert(?:y|ies) of (?:undefined|null) \(reading '([^']*)'\)/g, (_, property: string) => `an argument it needs is missing or empty (tfjs looked for "${property}" in nothing)`],
  [/(\S+) is not a function/g, (_, what: string) => `an argument is of the wrong kind (tfjs expected ${what} to be a function)`],
  [/(\S+) is not iterable/g, (_, what: string) => `an argument that should be a list is not one (${what})`],
  [/\[object Object\]/g, 'a mapping'],
];

export function inUserTerms(message: string): string {
  return REWRITES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement as string), message);
}
