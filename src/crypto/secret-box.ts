import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { SinewError } from '../errors/sinew-error.js';

/**
 * AES-256-GCM encryption of credentials at rest. Each value gets its own random 96-bit IV; the
 * auth tag makes tampering (or a wrong key) fail loudly instead of yielding garbage.
 * Format: `v1.<iv>.<tag>.<ciphertext>` (base64url parts) so the scheme can evolve.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secret: string) {
    // Accept any length of operator-provided secret; derive a 32-byte key from it.
    this.key = createHash('sha256').update(secret, 'utf8').digest();
  }

  /**
   * A key for one purpose (e.g. signing OAuth states), derived from the secret key so the operator
   * keeps one secret, and distinct per purpose so a signature made for one is worthless for another.
   */
  deriveKey(purpose: string): Uint8Array {
    return createHmac('sha256', this.key).update(`sinew:${purpose}`, 'utf8').digest();
  }

  static generateSecret(): string {
    return randomBytes(32).toString('base64url');
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) {
      throw new SinewError('INTERNAL', 'Stored secret has an unknown format');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SinewError('INTERNAL', 'Stored secret cannot be decrypted: SINEW_SECRET_KEY differs from the key it was sealed with');
    }
  }
}
