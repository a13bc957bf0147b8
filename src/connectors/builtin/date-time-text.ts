/** ISO-8601 date and time (RFC 3339 style, with `T` or a space, optional seconds, fraction, offset). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

/** True for text that is a valid date-time, as JSON Schema's `format: "date-time"` means it. */
export function isDateTimeText(text: string): boolean {
  return DATE_TIME.test(text) && !Number.isNaN(Date.parse(text));
}
