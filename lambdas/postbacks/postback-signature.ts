import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether `signature` is the HMAC-SHA256 of `content` under `secret`: hex or base64, optionally
 * prefixed `sha256=` (as GitHub-style webhooks send it). Compared in constant time.
 *
 * @example
 * signatureMatches(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`, body, secret); // true
 */
export function signatureMatches(signature: string, content: string, secret: Uint8Array): boolean {
  const expected = createHmac('sha256', secret).update(content, 'utf8').digest();
  const text = signature.trim().replace(/^sha256=/i, '');
  const presented = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/**
 * The signature a sender computes, for tests and for documenting the scheme.
 *
 * @example
 * request.headers['x-sightline-signature'] = signPostback(body, secret);
 */
export function signPostback(content: string, secret: Uint8Array | string): string {
  return `sha256=${createHmac('sha256', secret).update(content, 'utf8').digest('hex')}`;
}
