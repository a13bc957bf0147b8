import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { SinewError } from '../../../errors/sinew-error.js';

/**
 * The rows of a CSV file as `{ header: cell text }`, parsed as a stream: the consumer pulls rows
 * one at a time, so at most a parser buffer of the file is in memory. `onHeader` sees the header
 * even when the file has no data rows.
 */
export async function* readCsvRows(
  file: string,
  delimiter: string,
  onHeader?: (names: string[]) => void,
): AsyncGenerator<Record<string, string>> {
  const input = createReadStream(file);
  const parser = parse({
    delimiter,
    bom: true,
    skip_empty_lines: true,
    columns: (header: string[]) => {
      onHeader?.(header);
      return header;
    },
  });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  try {
    for await (const row of parser) yield row as Record<string, string>;
  } catch (error) {
    throw new SinewError('CONNECTOR_FAILED', `csv: cannot read ${file}: ${(error as Error).message}`, { file });
  } finally {
    // Reached early when the consumer stops (discovery samples only the first rows).
    input.destroy();
    parser.destroy();
  }
}

/** The header of an existing CSV file (null when the file has none): read, then the file is let go. */
export async function readCsvHeader(file: string, delimiter: string): Promise<string[] | null> {
  let header: string[] | null = null;
  for await (const _row of readCsvRows(file, delimiter, (names) => (header = names))) break;
  return header;
}
