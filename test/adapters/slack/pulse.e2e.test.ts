/**
 * A two-page pulse on Slack end to end (real Bolt receiver, fake Web API): submitting the first page
 * answers the view_submission with the second page (`response_action: 'update'`), so the first
 * page's answers, carried in the view's callback id, never land in a posted message; the second
 * page's submission closes the modal and records all the answers at once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createSlackAdapter, type SlackAdapter } from '../../../adapters/slack/app.js';
import type { SlackConfig } from '../../../src/config.js';
import { decodeAction } from '../../../src/ui/actionId.js';
import { createHarness, FIXTURE_PACK, type Harness } from '../../support/harness.js';
import { fakeMember, startFakeSlack, type RunningFakeSlack } from '../../support/slack/fakeSlack.js';
import { signedRequest, viewSubmission } from '../../support/slack/signing.js';
import { waitFor } from '../../support/wait.js';

const SECRET = 'test-signing-secret';
const TEAM = 'T0PROBITY';
const KIM = 'U1001';

let fake: RunningFakeSlack;
let slack: SlackAdapter | undefined;
let h: Harness;
let url: string;
let dir: string;

afterEach(async () => {
  await slack?.stop();
  slack = undefined;
  await fake?.close();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A pack with a seven-item pulse: five items on the first page, two on the second. */
function sevenItems(): string {
  dir = mkdtempSync(join(tmpdir(), 'probity-slack-pulse-'));
  const item = (i: number, kind = 'scale') => ({ kind, label: { ko: `문항 ${i}`, en: `Item ${i}` }, text: { ko: `문장 ${i}`, en: `Statement ${i}` } });
  writeFileSync(join(dir, 'pack.yaml'), stringify({ pack: 'extra', name: { ko: '추가', en: 'Extra' }, topics: {}, laws: {} }));
  writeFileSync(join(dir, 'pulses.yaml'), stringify({ pulses: [{ slug: 'long-check', title: { ko: '긴 설문', en: 'Long' }, intro: { ko: '안내', en: 'Intro' }, items: [...[1, 2, 3, 4, 5, 6].map((i) => item(i)), item(7, 'yesno')] }] }));
  return dir;
}

const stateOf = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([id, value]) => [id, { [id]: { type: 'plain_text_input', value } }]));
const submit = (callbackId: string, values: Record<string, string>) =>
  signedRequest(url, { signingSecret: SECRET, ...viewSubmission({ callback_id: callbackId, values: stateOf(values), user: { id: KIM, team_id: TEAM }, team: { id: TEAM, domain: 'city' } }) });

describe('Slack adapter: a pulse of two pages', () => {
  it('the first page is answered with the second in place of the modal; nothing is posted until the last page, which records all seven answers', async () => {
    fake = await startFakeSlack({ users: [fakeMember(KIM, { name: 'kim', email: 'kim@city.example' })] });
    h = await createHarness({ contentDirs: [FIXTURE_PACK, sevenItems()], env: { PROBITY_MIN_GROUP_SIZE: '2' } });
    const config: SlackConfig = { botToken: 'xoxb-test', appToken: undefined, signingSecret: SECRET, port: 0, apiUrl: fake.apiUrl, userGroupRoles: {} };
    slack = createSlackAdapter(h.engine, h.services, config);
    const { port } = await slack.start();
    url = `http://127.0.0.1:${port}/slack/events`;
    await slack.syncDirectory();

    expect((await h.command('3001', 'pulse', 'open', 'long-check')).kind).toBe('ephemeral');
    const first = await h.command('1001', 'pulse', 'respond');
    if (first.kind !== 'form') throw new Error('expected a form');

    const response = await submit(first.form.id, { q0: '1', q1: '2', q2: '3', q3: '4', q4: '5' });
    expect(response.status).toBe(200);
    const body = JSON.parse(await response.text()) as { response_action: string; view: { type: string; callback_id: string; blocks: { block_id: string }[] } };
    expect(body.response_action).toBe('update');
    expect(body.view.type).toBe('modal');
    expect(decodeAction(body.view.callback_id)).toEqual({ name: 'pulse.answer', args: ['1', '1', '12345'] });
    expect(body.view.blocks.map((b) => b.block_id)).toEqual(['q5', 'q6']);
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.callsOf('chat.postMessage')).toEqual([]);
    expect(await h.services.db.selectFrom('pulse_answers').selectAll().execute()).toEqual([]);

    const last = await submit(body.view.callback_id, { q5: '3', q6: '아니오' });
    expect(await last.text()).toBe('');
    const thanks = await waitFor(() => fake.callsOf('chat.postMessage')[0]);
    expect(String(thanks.args['text'])).toContain('감사합니다');
    // The thanks carries no answer: no digits of the first page in what was posted.
    expect(JSON.stringify(thanks.args)).not.toContain('12345');
    const saved = await h.services.db.selectFrom('pulse_answers').select(['item', 'value']).orderBy('item').execute();
    expect(saved.map((a) => a.value)).toEqual([1, 2, 3, 4, 5, 3, 0]);
  });
});
