/** A service account's RSA key pair for tests, made once per process (2048 bits, as NAVER WORKS issues). */
import { generateKeyPairSync } from 'node:crypto';

let pair: { privateKey: string; publicKey: string } | undefined;

export function serviceAccountKeys(): { privateKey: string; publicKey: string } {
  pair ??= generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  return pair;
}
