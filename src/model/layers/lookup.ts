import { firstShape } from '../../core/shapes.js';
import type { Shape } from '../tfjs.js';
import { KerasLayer } from './keras-layer.js';
import { checkStringArg, py, pyName } from './preprocessing-checks.js';
import { encodedShape } from './preprocessing.js';

/**
 * Keras's vocabulary layers: StringLookup, IntegerLookup (both Keras's
 * IndexLookup) and TextVectorization (a StringLookup behind a tokenizer).
 * None has weights Keras counts (its tables and idf weights are TensorFlow
 * state outside Keras's variables). Their output's last axis, outside
 * output_mode "int", is the vocabulary's size: the tokens, the OOV indices,
 * and the mask token in "int" mode only; or max_tokens with
 * pad_to_max_tokens. The vocabulary is checked as Keras's set_vocabulary
 * checks it.
 */

const OUTPUT_MODES = ['int', 'one_hot', 'multi_hot', 'count', 'tf_idf'] as const;

interface LookupArgs {
  maxTokens: unknown;
  numOovIndices: unknown;
  maskToken: unknown;
  oovToken: unknown;
  vocabulary: unknown;
  idfWeights: unknown;
  invert: unknown;
  outputMode: unknown;
  sparse: unknown;
  padToMaxTokens: unknown;
  oovMethod: unknown;
  salt: unknown;
  vocabularySize: unknown;
}

/** Keras's output_mode aliases: "binary" is multi_hot, "tf-idf" is tf_idf. */
function canonicalMode(mode: unknown): unknown {
  if (mode === 'binary') return 'multiHot';
  if (mode === 'tf-idf') return 'tfIdf';
  return mode;
}

/**
 * Keras's IndexLookup.__init__ and set_vocabulary, as far as they decide
 * whether the layer exists and how large its vocabulary is. Returns the
 * vocabulary's size (null when unknown: no vocabulary, nothing saved).
 * `caller` names the class in Keras's messages.
 */
export function checkLookup(args: LookupArgs, caller: string, integerKeys: boolean): number | null {
  const { maxTokens, numOovIndices, maskToken, oovToken, vocabulary, idfWeights, invert, sparse, padToMaxTokens, salt } = args;
  const outputMode = args.outputMode;
  if (maxTokens !== null && maxTokens !== undefined && (typeof maxTokens !== 'number' || maxTokens <= 1)) {
    throw new Error(`If set, \`max_tokens\` must be greater than 1. Received: max_tokens=${py(maxTokens)}`);
  }
  if (padToMaxTokens && (maxTokens === null || maxTokens === undefined)) throw new Error(`If pad_to_max_tokens is True, must set \`max_tokens\`. Received: max_tokens=${py(maxTokens)}`);
  if (typeof numOovIndices !== 'number' || numOovIndices < 0) throw new Error(`\`num_oov_indices\` must be greater than or equal to 0. Received: num_oov_indices=${py(numOovIndices)}`);
  checkStringArg(args.oovMethod, ['floormod', 'farmhash'], caller, 'oov_method');
  if (salt !== null && salt !== undefined) {
    if (integerKeys && args.oovMethod !== 'farmhash') throw new Error(`\`salt\` can only be used when \`oov_method='farmhash'\`. Received: oov_method=${pyName(args.oovMethod)}`);
    if (!(Array.isArray(salt) && salt.length === 2) && !Number.isInteger(salt)) {
      throw new Error(`The \`salt\` argument for \`IndexLookup\` can only be a tuple of 2 integers, or a single integer. Received: salt=${py(salt)}.`);
    }
  }
  checkStringArg(outputMode, OUTPUT_MODES, caller, 'output_mode');
  if (invert && outputMode !== 'int') throw new Error(`\`output_mode\` must be \`'int'\` when \`invert\` is true. Received: output_mode=${pyName(outputMode)}`);
  if (sparse && outputMode === 'int') {
    throw new Error(`\`sparse\` may only be true if \`output_mode\` is \`'one_hot'\`, \`'multi_hot'\`, \`'count'\` or \`'tf_idf'\`. Received: sparse=${py(sparse)} and output_mode=${pyName(outputMode)}`);
  }
  if (idfWeights !== null && idfWeights !== undefined && outputMode !== 'tfIdf') {
    throw new Error(`\`idf_weights\` should only be set if \`output_mode\` is \`'tf_idf'\`. Received: idf_weights=${py(idfWeights)} and output_mode=${pyName(outputMode)}`);
  }
  const hasVocabulary = vocabulary !== null && vocabulary !== undefined;
  if (outputMode === 'tfIdf' && hasVocabulary && (idfWeights === null || idfWeights === undefined)) {
    throw new Error('When specifying the `vocabulary` argument, in TF-IDF output mode, the `idf_weights` argument must also be provided.');
  }
  // The first index of the OOV tokens: after the mask, which has an index of its own in "int" mode only.
  const oovStart = maskToken !== null && maskToken !== undefined && outputMode === 'int' ? 1 : 0;
  const tokenStart = oovStart + numOovIndices;
  const saved = typeof args.vocabularySize === 'number' ? args.vocabularySize : null;
  if (!hasVocabulary) return saved;
  if (typeof vocabulary === 'string') {
    // A vocabulary file: its size is only known by reading it, which Keras does and merge-summary cannot.
    if (outputMode === 'int' || padToMaxTokens) return saved;
    if (saved !== null) return saved;
    throw new Error(`its vocabulary is the file ${JSON.stringify(vocabulary)}, whose number of lines sets the output's last axis; merge-summary reads no vocabulary files (give the vocabulary as a list)`);
  }
  if (!Array.isArray(vocabulary)) throw new Error(`\`vocabulary\` must be a list of tokens or a file path. Received: vocabulary=${py(vocabulary)}`);
  if (vocabulary.length === 0) throw new Error(`Cannot set an empty vocabulary. Received: vocabulary=${py(vocabulary)}`);
  const special = [...Array(oovStart).fill(maskToken), ...Array(numOovIndices).fill(oovToken)];
  const foundSpecial = special.length <= vocabulary.length && special.every((token, i) => token === vocabulary[i]);
  const tokens = foundSpecial ? vocabulary.slice(tokenStart) : vocabulary;
  const seen = new Set<unknown>();
  const repeated = tokens.filter((token) => (seen.has(token) ? true : (seen.add(token), false)));
  if (repeated.length > 0) {
    throw new Error(`The passed vocabulary has at least one repeated term. Please uniquify your dataset. The repeated terms are: ${py([...new Set(repeated)])}`);
  }
  if (maskToken !== null && maskToken !== undefined && tokens.includes(maskToken)) {
    throw new Error(
      `Found reserved mask token at unexpected location in \`vocabulary\`. Note that passed \`vocabulary\` does not need to include the OOV and mask tokens. Either remove all mask and OOV tokens, or include them only at the start of the vocabulary in precisely this order: ${py(special)}. Received: mask_token=${py(maskToken)} at vocabulary index [${vocabulary.lastIndexOf(maskToken)}]`,
    );
  }
  if (oovToken !== null && oovToken !== undefined && invert && tokens.includes(oovToken)) {
    throw new Error(
      `Found reserved OOV token at unexpected location in \`vocabulary\`. Note that passed \`vocabulary\` does not need to include the OOV and mask tokens. Either remove all mask and OOV tokens, or include them only at the start of the vocabulary in precisely this order: ${py(special)}. Received: oov_token=${py(oovToken)} at vocabulary index [${vocabulary.lastIndexOf(oovToken)}]`,
    );
  }
  const size = tokenStart + tokens.length;
  if (typeof maxTokens === 'number' && size > maxTokens) {
    throw new Error(`Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary size is ${size}; \`max_tokens\` is ${maxTokens}.`);
  }
  if (outputMode !== 'int' && !padToMaxTokens && saved !== null && saved !== size) {
    throw new Error(
      `When using \`output_mode=${pyName(outputMode)}\` and \`pad_to_max_tokens=False\`, the vocabulary size cannot be changed after the layer is called. Old vocab size is ${saved}, new vocab size is ${size}`,
    );
  }
  if (outputMode === 'tfIdf' && Array.isArray(idfWeights) && idfWeights.length !== vocabulary.length) {
    throw new Error(`\`idf_weights\` must be the same length as vocabulary. len(idf_weights) is ${idfWeights.length}; len(vocabulary) is ${vocabulary.length}`);
  }
  return size;
}

/** The output of a lookup of `depth` tokens: the input's shape in "int" mode, else encoded (Keras's IndexLookup.compute_output_shape). */
function lookupShape(shape: Shape, mode: string, depth: number | null): Shape {
  return mode === 'int' ? shape : encodedShape(shape, mode, depth);
}

const LOOKUP_DEFAULTS = {
  maxTokens: null,
  numOovIndices: 1,
  maskToken: null,
  vocabulary: null,
  idfWeights: null,
  invert: false,
  outputMode: 'int',
  sparse: false,
  padToMaxTokens: false,
  oovMethod: 'floormod',
  salt: null,
  // Keras writes the size of an adapted vocabulary into the config (its tokens are not saved).
  vocabularySize: null,
};

/**
 * Arguments whose None is a value of its own, not "Keras's default": the
 * base class fills a null with the default, so these are taken as given.
 */
function keepNulls(args: Record<string, unknown>, config: Record<string, unknown>, keys: string[]): void {
  for (const key of keys) if (config[key] === null) args[key] = null;
}

abstract class IndexLookup extends KerasLayer {
  private vocabularySize: number | null = null;

  /** Checks the arguments once they are all in (the base class's validate() runs before a subclass can see its config). */
  protected checkVocabulary(config: Record<string, unknown>, caller: string, integerKeys: boolean): void {
    keepNulls(this.args, config, ['oovToken']);
    this.args.outputMode = canonicalMode(this.args.outputMode);
    this.vocabularySize = checkLookup(this.args as unknown as LookupArgs, caller, integerKeys);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    const depth = this.args.padToMaxTokens ? (this.args.maxTokens as number) : this.vocabularySize;
    return lookupShape(shape, this.args.outputMode as string, depth);
  }
}

/** Keras's StringLookup: strings to vocabulary indices (or, inverted, indices to strings). */
export class StringLookup extends IndexLookup {
  static className = 'StringLookup';
  static override defaults = { ...LOOKUP_DEFAULTS, oovToken: '[UNK]', encoding: 'utf-8' };

  constructor(config: Record<string, unknown> = {}) {
    super(config);
    this.checkVocabulary(config, 'StringLookup', false);
  }
}

/** Keras's IntegerLookup: integers to vocabulary indices (or, inverted, back). */
export class IntegerLookup extends IndexLookup {
  static className = 'IntegerLookup';
  static override defaults = { ...LOOKUP_DEFAULTS, oovToken: -1, vocabularyDtype: 'int64' };

  constructor(config: Record<string, unknown> = {}) {
    super(config);
    const { maxTokens, numOovIndices, vocabularyDtype } = this.args;
    if (maxTokens !== null && (typeof maxTokens !== 'number' || maxTokens <= 1)) {
      throw new Error(`If \`max_tokens\` is set for \`IntegerLookup\`, it must be greater than 1. Received: max_tokens=${py(maxTokens)}`);
    }
    if (typeof numOovIndices !== 'number' || numOovIndices < 0) {
      throw new Error(`The value of \`num_oov_indices\` argument for \`IntegerLookup\` must >= 0. Received: num_oov_indices=${py(numOovIndices)}`);
    }
    if (vocabularyDtype !== 'int64') throw new Error(`Only \`vocabulary_dtype='int64'\` is supported at this time. Received: vocabulary_dtype=${pyName(vocabularyDtype)}`);
    this.checkVocabulary(config, 'IntegerLookup', true);
  }
}

/**
 * Keras's TextVectorization: strings split into tokens and looked up in a
 * StringLookup whose mask token is "". In "int" mode the output is
 * (batch, output_sequence_length), None when unset; in the other modes the
 * lookup encodes the split tokens, a new last axis of None (or the input
 * itself, with split=None).
 */
export class TextVectorization extends KerasLayer {
  static className = 'TextVectorization';
  static override defaults = {
    maxTokens: null,
    standardize: 'lowerAndStripPunctuation',
    split: 'whitespace',
    ngrams: null,
    outputMode: 'int',
    outputSequenceLength: null,
    padToMaxTokens: false,
    vocabulary: null,
    idfWeights: null,
    sparse: false,
    ragged: false,
    encoding: 'utf-8',
    vocabularySize: null,
  };
  private vocabularySize: number | null = null;

  constructor(config: Record<string, unknown> = {}) {
    super(config);
    // split=None (no splitting) and standardize=None are values of their own, not the defaults.
    keepNulls(this.args, config, ['standardize', 'split']);
    this.check();
  }

  private check(): void {
    const { standardize, split, ngrams, outputSequenceLength, ragged } = this.args;
    // A callable (a registered function, saved as its config) is Keras's too; only strings are checked against the names.
    if (typeof standardize === 'string' || standardize === undefined) {
      checkStringArg(standardize, ['lower_and_strip_punctuation', 'lower', 'strip_punctuation'], 'TextVectorization', 'standardize', true);
    }
    if (typeof split === 'string' || split === undefined) checkStringArg(split, ['whitespace', 'character'], 'TextVectorization', 'split', true);
    const outputMode = canonicalMode(this.args.outputMode);
    this.args.outputMode = outputMode;
    checkStringArg(outputMode, OUTPUT_MODES, 'TextVectorization', 'output_mode');
    const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
    if (!(ngrams === null || isInt(ngrams) || (Array.isArray(ngrams) && ngrams.every(isInt)))) {
      throw new Error(`\`ngrams\` must be None, an integer, or a tuple of integers. Received: ngrams=${py(ngrams)}`);
    }
    if (outputMode === 'int' && !(isInt(outputSequenceLength) || outputSequenceLength === null)) {
      throw new Error(`\`output_sequence_length\` must be either None or an integer when \`output_mode\` is 'int'. Received: output_sequence_length=${py(outputSequenceLength)}`);
    }
    if (outputMode !== 'int' && outputSequenceLength !== null) {
      throw new Error(`\`output_sequence_length\` must not be set if \`output_mode\` is not 'int'. Received output_sequence_length=${py(outputSequenceLength)}.`);
    }
    if (ragged && outputMode !== 'int') throw new Error(`\`ragged\` must not be true if \`output_mode\` is \`'int'\`. Received: ragged=${py(ragged)} and output_mode=${pyName(outputMode)}`);
    this.vocabularySize = checkLookup(
      {
        maxTokens: this.args.maxTokens,
        numOovIndices: 1,
        maskToken: '',
        oovToken: '[UNK]',
        vocabulary: this.args.vocabulary,
        idfWeights: this.args.idfWeights,
        invert: false,
        outputMode,
        sparse: this.args.sparse,
        padToMaxTokens: this.args.padToMaxTokens,
        oovMethod: 'floormod',
        salt: null,
        vocabularySize: this.args.vocabularySize,
      },
      'StringLookup',
      false,
    );
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    const mode = this.args.outputMode as string;
    if (mode === 'int') return [shape[0], (this.args.outputSequenceLength as number | null) ?? null];
    const tokens = this.args.split === null ? (shape.length <= 1 ? [...shape, 1] : shape) : [...shape, null];
    const depth = this.args.padToMaxTokens ? (this.args.maxTokens as number) : this.vocabularySize;
    return lookupShape(tokens, mode, depth);
  }
}
