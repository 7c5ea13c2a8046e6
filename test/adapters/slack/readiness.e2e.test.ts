/** What /readyz asks the Slack adapter: is the socket up (Socket Mode), does the receiver listen (HTTP)? */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../../adapters/slack/app.js';
import type { SlackConfig } from '../../../src/config.js';
import { createHarness, type Harness } from '../../support/harness.js';
import { startFakeSlack, type RunningFakeSlack } from '../../support/slack/fakeSlack.js';
import { waitFor } from '../../support/wait.js';

let fake: RunningFakeSlack;
let slack: SlackAdapter | undefined;
let h: Harness;

afterEach(async () => {
  await slack?.stop();
  slack = undefined;
  await fake?.close();
  await h?.close();
});

async function adapter(mode: 'socket' | 'http'): Promise<SlackAdapter> {
  fake = await startFakeSlack({ users: [] });
  h = await createHarness();
  const config: SlackConfig = { botToken: 'xoxb-test', appToken: mode === 'socket' ? 'xapp-1-test' : undefined, signingSecret: mode === 'http' ? 'secret' : undefined, port: 0, apiUrl: fake.apiUrl, userGroupRoles: {} };
  slack = createSlackAdapter(h.engine, h.services, config);
  return slack;
}

describe('Slack readiness', () => {
  it('GIVEN Socket Mode THEN it is connected once the socket is up, and not after stop', async () => {
    const socket = await adapter('socket');
    expect(socket.connected()).toBe(false);
    await socket.start();
    await fake.socket.waitForConnection();
    expect(socket.connected()).toBe(true);
    await socket.stop();
    slack = undefined;
    expect(socket.connected()).toBe(false);
  });

  it('GIVEN the HTTP receiver THEN it is connected while it listens', async () => {
    const http = await adapter('http');
    expect(http.connected()).toBe(false);
    await http.start();
    expect(http.connected()).toBe(true);
    // Bolt checks its token when it is made; let that answer before the fake Slack goes away.
    await waitFor(() => fake.calls.some((c) => c.method === 'auth.test'));
    await http.stop();
    slack = undefined;
    expect(http.connected()).toBe(false);
  });
});
