/** Prints rows as an aligned plain-text table (numbers right-aligned), for terminals and READMEs. */
export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const numeric = headers.map(
    (_, c) =>
      rows.some((r) => String(r[c] ?? '') !== '') &&
      rows.every(
        (r) => typeof r[c] === 'number' || String(r[c] ?? '') === '' || /^[-+]?[\d.,]+( ?[a-zA-Z%×/]*)?$/.test(String(r[c] ?? '')),
      ),
  );
  const line = (r: string[]): string =>
    r
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const seconds = (s: number): string => s.toFixed(2);
export const perSecond = (records: number, s: number): string => Math.round(records / s).toLocaleString('en-US');
