import { fromJsonColumn } from './json-column.js';

/**
 * Most tables keep their object whole as JSON in `doc`, beside the key and filter columns; these
 * read such rows back, so each repository says only which rows it wants.
 */
export const docsOf = <T>(rows: { doc: string }[]): T[] => rows.map((r) => fromJsonColumn<T>(r.doc));

export const docOf = <T>(row: { doc: string } | undefined): T | undefined => (row === undefined ? undefined : fromJsonColumn<T>(row.doc));

/** Whether a delete removed anything: the repositories' `delete` answers this. */
export const anyDeleted = (r: { numDeletedRows: bigint }): boolean => r.numDeletedRows > 0n;
