import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * Where an open file's read position is, from Linux's `/proc/self/fdinfo`: a child that was given
 * the file as its stdin shares that position with us, so after it exits this says how far it read.
 * Null where there is no such file system.
 */
export async function fileReadOffset(fd: number): Promise<number | null> {
  try {
    const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8');
    const match = /^pos:\s*(\d+)/m.exec(info);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Whether fileReadOffset can answer here (checked once). */
export const CAN_READ_OFFSETS = existsSync('/proc/self/fdinfo');
