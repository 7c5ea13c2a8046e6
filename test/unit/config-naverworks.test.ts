/** NAVER WORKS configuration: what runs it, what it needs, and how a bad value is reported. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_NAVERWORKS_API_URL, DEFAULT_NAVERWORKS_AUTH_URL, loadConfig } from '../../src/config.js';

const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
const FULL = {
  NAVERWORKS_BOT_ID: '2000001',
  NAVERWORKS_CLIENT_ID: 'client',
  NAVERWORKS_CLIENT_SECRET: 'client-secret',
  NAVERWORKS_SERVICE_ACCOUNT: 'abcde.serviceaccount@city.example',
  NAVERWORKS_PRIVATE_KEY: KEY.replace(/\n/g, '\\n'),
  NAVERWORKS_BOT_SECRET: 'bot-secret',
};

function issuesOf(env: Record<string, string>): ConfigError['issues'] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  return expect.unreachable('loadConfig accepted it');
}

describe('loadConfig: NAVER WORKS', () => {
  it('GIVEN no NAVERWORKS_ variables THEN NAVER WORKS is off', () => {
    expect(loadConfig({}).naverworks).toBeUndefined();
  });

  it('GIVEN the bot, app, service account, key and secret THEN NAVER WORKS runs on the HTTP listener with the public API bases and the default callback path', () => {
    const config = loadConfig(FULL);
    expect(config.naverworks).toEqual({
      clientId: 'client',
      clientSecret: 'client-secret',
      serviceAccount: 'abcde.serviceaccount@city.example',
      privateKey: KEY,
      botId: '2000001',
      botSecret: 'bot-secret',
      domainId: undefined,
      callbackPath: '/naverworks/callback',
      apiUrl: DEFAULT_NAVERWORKS_API_URL,
      authUrl: DEFAULT_NAVERWORKS_AUTH_URL,
    });
    expect(config.http).toEqual({ port: 8080, host: '0.0.0.0' });
    expect(config.rateLimits['naverworks']).toBe(2);
  });

  it('GIVEN the key in a file THEN it is read from there', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'probity-nw-')), 'private.key');
    writeFileSync(file, `${KEY}\n`);
    const { NAVERWORKS_PRIVATE_KEY: _inline, ...rest } = FULL;
    expect(loadConfig({ ...rest, NAVERWORKS_PRIVATE_KEY_FILE: file }).naverworks?.privateKey).toBe(KEY);
  });

  it('GIVEN the bot id alone THEN every missing variable is named', () => {
    expect(issuesOf({ NAVERWORKS_BOT_ID: '2000001' }).map((i) => i.variable)).toEqual(['NAVERWORKS_CLIENT_ID', 'NAVERWORKS_CLIENT_SECRET', 'NAVERWORKS_SERVICE_ACCOUNT', 'NAVERWORKS_BOT_SECRET', 'NAVERWORKS_PRIVATE_KEY_FILE']);
  });

  it('GIVEN a secret without the bot id THEN the bot id is asked for', () => {
    expect(issuesOf({ NAVERWORKS_BOT_SECRET: 'x' }).map((i) => i.variable)).toEqual(['NAVERWORKS_BOT_ID']);
  });

  it('GIVEN a key that is not PKCS#8 PEM, or a file that cannot be read THEN the variable is named and the key never repeated', () => {
    const bad = issuesOf({ ...FULL, NAVERWORKS_PRIVATE_KEY: 'secret-material-not-a-key' });
    expect(bad.map((i) => i.variable)).toEqual(['NAVERWORKS_PRIVATE_KEY']);
    expect(JSON.stringify(bad)).not.toContain('secret-material');
    const { NAVERWORKS_PRIVATE_KEY: _inline, ...rest } = FULL;
    expect(issuesOf({ ...rest, NAVERWORKS_PRIVATE_KEY_FILE: '/nonexistent/private.key' }).map((i) => i.variable)).toEqual(['NAVERWORKS_PRIVATE_KEY_FILE']);
  });

  it('GIVEN the HTTP listener turned off THEN NAVER WORKS cannot run: PROBITY_HTTP_PORT is named', () => {
    expect(issuesOf({ ...FULL, PROBITY_HTTP_PORT: 'off' }).map((i) => i.variable)).toEqual(['PROBITY_HTTP_PORT']);
  });

  it('GIVEN a callback path without a leading slash or a non-http API base THEN the variable is named', () => {
    expect(issuesOf({ ...FULL, NAVERWORKS_CALLBACK_PATH: 'callback' }).map((i) => i.variable)).toEqual(['NAVERWORKS_CALLBACK_PATH']);
    expect(issuesOf({ ...FULL, NAVERWORKS_API_URL: 'ftp://x' }).map((i) => i.variable)).toEqual(['NAVERWORKS_API_URL']);
  });
});
