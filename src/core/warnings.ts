/**
 * Something worth telling the user that does not stop the summary. A code
 * to branch on, the layer it is about (when it is about one), and the sentence.
 */
export interface Warning {
  code: WarningCode;
  message: string;
  layer?: string;
}

export type WarningCode =
  | 'unknown-layer' // taken as keeping its input's shape (--allow-unknown)
  | 'unused-layer' // leads to no output, so the summary leaves it out
  | 'weights-mismatch' // a weights file lists other shapes than the model built here
  | 'batch-size-fixed'; // --batch-size asked for another batch size than the one the model fixes
