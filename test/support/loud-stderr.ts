import { fileURLToPath } from 'node:url';
import { droppedNotice } from '../../src/singer/bounded-log.js';

/** A Singer tap that writes `stderr_bytes` (config) bytes of stderr before its one record. */
export const LOUD_TAP = fileURLToPath(new URL('../fixtures/singer/tap-loud-stderr.mjs', import.meta.url));

/** The stderr tap-loud-stderr.mjs writes: 16-byte lines, line k being k zero-padded to 15 digits, cut at `total`. */
export function loudStderr(total: number): Buffer {
  const lines = Math.ceil(total / 16);
  let text = '';
  for (let k = 0; k < lines; k++) text += `${String(k).padStart(15, '0')}\n`;
  return Buffer.from(text).subarray(0, total);
}

/** What a log with these limits must hold for `output`: the head, the notice on a line of its own, the tail. */
export function expectedLog(output: Buffer, head: number, tail: number): Buffer {
  if (output.length <= head + tail) return output;
  const kept = output.subarray(0, head);
  const gap = (kept.length > 0 && kept[kept.length - 1] !== 0x0a ? '\n' : '') + droppedNotice(output.length - head - tail);
  return Buffer.concat([kept, Buffer.from(gap), output.subarray(output.length - tail)]);
}
