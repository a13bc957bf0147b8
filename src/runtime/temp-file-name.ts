import { randomUUID } from 'node:crypto';

/**
 * A temp file of its own beside `file`, for a write that ends with a rename over it. Named by pid
 * and millisecond, two writes of one file in the same millisecond (two PUTs of a snapshot) shared
 * it: both wrote into it, the first rename moved it, and the second failed with ENOENT, a 500 (the
 * API fuzz found it with parallel requests).
 */
export function tempFileBeside(file: string): string {
  return `${file}.${process.pid}.${randomUUID()}.tmp`;
}
