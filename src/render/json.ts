
/** The --json document (../shared/summary-json.md): the analysis result as it is. */
export function renderJson(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

