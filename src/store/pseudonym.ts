import { createHmac } from 'node:crypto';

/**
 * The audit log's reference to a person: HMAC-SHA256 of the normalised personal number
 * under a secret key, cut to 128 bits (32 hex digits). The same person gets the same
 * reference, so an inspector can ask "who looked at this person" by computing it again;
 * without the key the reference cannot be turned back into a number (a bare hash could be,
 * by trying every birth date and serial).
 */
export const PSEUDONYM_PATTERN = /^[0-9a-f]{32}$/;

export function pseudonymFor(personalNumber: string, secret: string | Uint8Array): string {
  if (typeof secret === 'string' ? secret.length < 16 : secret.byteLength < 16) {
    throw new Error('pseudonym secret must be at least 16 characters or bytes');
  }
  // Only the normalised 12-digit form: the 10- and 12-digit spellings of one number must not become two people.
  if (!/^\d{12}$/.test(personalNumber)) {
    throw new Error('pseudonymFor needs the normalised 12-digit form (see parsePersonalNumber)');
  }
  return createHmac('sha256', secret).update(personalNumber, 'utf8').digest('hex').slice(0, 32);
}
