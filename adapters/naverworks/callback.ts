/**
 * The callback endpoint's checks, pure: NAVER WORKS signs each callback with the bot secret
 * (bot-callback, 서명 확인): X-WORKS-Signature is the base64 HMAC-SHA256 of the raw request body.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-works-signature';

export function signatureOf(rawBody: Buffer, botSecret: string): string {
  return createHmac('sha256', botSecret).update(rawBody).digest('base64');
}

/** Whether `signature` is the body's; compared in constant time, so its bytes cannot be guessed one by one. */
export function verifySignature(rawBody: Buffer, signature: string | undefined, botSecret: string): boolean {
  if (!signature || botSecret === '') return false;
  const expected = createHmac('sha256', botSecret).update(rawBody).digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
