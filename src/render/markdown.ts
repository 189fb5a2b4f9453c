/** A GitHub-flavoured Markdown table; cells are plain text, escaped. */
export function markdownTable(headers: string[], rows: string[][], align: ('left' | 'right' | 'center')[] = []): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
  const rule = headers.map((_, i) => (align[i] === 'right' ? '---:' : align[i] === 'center' ? ':---:' : '---'));
  return [headers, rule, ...rows].map((row, r) => `| ${(r === 1 ? row : row.map(escape)).join(' | ')} |`).join('\n');
}

export function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}
