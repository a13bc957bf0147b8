/** A JSON Schema document as taps emit it (draft-04 through 2020-12; we do not narrow it). */
export type JsonSchema = { [key: string]: unknown };
