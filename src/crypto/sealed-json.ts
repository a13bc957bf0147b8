import { parseJson, stringifyJson } from '../singer/lossless-json.js';
import type { SecretBox } from './secret-box.js';

/** JSON documents with credentials (link configs, job overrides) sealed with the secret box. */
export const sealJson = (box: SecretBox, value: unknown): string => box.encrypt(stringifyJson(value));
export const openJson = <T = Record<string, unknown>>(box: SecretBox, sealed: string): T => parseJson(box.decrypt(sealed)) as T;
