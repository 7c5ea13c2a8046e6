/**
 * Pledges through the real engine (issue 6): versions and text hashes, re-signing a changed text,
 * idempotent signing, campaigns through the outbox, completion by department against the roster,
 * non-signers, the member's own state, the welcome pledge for new members, and reminders that stop.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { composers, planners } from '../../src/app.js';
import { exportBase, pledgesTable } from '../../src/features/stats/exports.js';
import { parsePeriod } from '../../src/features/stats/period.js';
import { translator } from '../../src/i18n/index.js';
import { runCli } from '../../src/cli.js';
import { createDb, type Db } from '../../src/db/createDb.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import type { Reply } from '../../src/engine/reply.js';
import { loadContent } from '../../src/features/content/loader.js';
import { importRoster } from '../../src/features/people/roster.import.js';
import { syncPledges } from '../../src/features/pledges/pledges.repository.js';
import { offerWelcomePledge } from '../../src/features/pledges/welcome.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { Message } from '../../src/ui/card.js';
import { cardButtons } from '../../src/ui/card.js';
import { createPostgresDatabase, DIALECTS, type DialectName } from '../support/databases.js';
import { FakePort } from '../support/fakePort.js';
import { buttonsOf, consoleActor, createHarness, SHIPPED_CONTENT, textOf, type Harness } from '../support/harness.js';

const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const noSleep = async () => undefined;
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const errorOf = (reply: Reply) => (reply.kind === 'ephemeral' ? reply.error?.code : undefined);

/** The shipped pledge texts, read straight from the YAML (not through the loader under test). */
interface ShippedPledge {
  slug: string;
  audience: string;
  title: { ko: string; en: string };
  text: { ko: string; en: string };
}
const PLEDGES_YAML = join(SHIPPED_CONTENT, 'core', 'pledges.yaml');
const RAW = (parse(readFileSync(PLEDGES_YAML, 'utf8')) as { pledges: ShippedPledge[] }).pledges;
/** Content packs trim each text (a YAML block keeps its final newline); what is shown is the trimmed text. */
const trimmed = (p: ShippedPledge): ShippedPledge => ({ ...p, text: { ko: p.text.ko.trim(), en: p.text.en.trim() } });
const ALL_STAFF = trimmed(RAW.find((p) => p.slug === 'all-staff')!);
const LEADERSHIP = trimmed(RAW.find((p) => p.slug === 'leadership')!);

const HEADER = 'employee_no,name,email,department,roles,locale';
/** Six people in three departments: 행정국 (2), 행정국/감사과 (3), 복지국 (1). */
const ROSTER = [
  HEADER,
  '1001,김청렴,kim@city.example,행정국/감사과,employee,ko',
  '1002,Lee Integrity,lee@city.example,행정국/감사과,employee,en',
  '2001,박과장,park@city.example,행정국,manager,ko',
  '3001,최담당,choi@city.example,행정국/감사과,hr,ko',
  '4001,정관리,jung@city.example,행정국,admin,ko',
  '5001,한복지,han@city.example,복지국,employee,ko',
].join('\n');
const EVERYONE = ['1001', '1002', '2001', '3001', '4001', '5001'];

let h: Harness;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  const current = h;
  h = undefined as unknown as Harness;
  await current?.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function harness(dialect: DialectName, options: { start?: string; env?: Record<string, string>; schedules?: string; roster?: string | null } = {}) {
  h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT], roster: ROSTER, start: KST('2026-11-27', '09:30'), ...options });
  return h;
}

async function idOf(employeeNo: string): Promise<number> {
  return (await h.services.db.selectFrom('members').select('id').where('employee_no', '=', employeeNo).executeTakeFirstOrThrow()).id;
}

async function signatures() {
  return h.services.db
    .selectFrom('pledge_signatures')
    .innerJoin('members', 'members.id', 'pledge_signatures.member_id')
    .innerJoin('pledges', 'pledges.id', 'pledge_signatures.pledge_id')
    .select(['members.employee_no', 'pledges.slug', 'pledges.version', 'pledge_signatures.pledge_id', 'pledge_signatures.campaign_id', 'pledge_signatures.locale', 'pledge_signatures.text_hash', 'pledge_signatures.platform', 'pledge_signatures.platform_user_id', 'pledge_signatures.day', 'pledge_signatures.signed_at'])
    .orderBy('pledge_signatures.id')
    .execute();
}

/** Outbox rows of one-off pledge sends (campaigns and welcomes): who, for which send, in what state. */
async function pledgeDeliveries() {
  return h.services.db
    .selectFrom('deliveries')
    .innerJoin('job_runs', 'job_runs.id', 'deliveries.job_run_id')
    .innerJoin('schedules', 'schedules.id', 'job_runs.schedule_id')
    .innerJoin('members', 'members.id', 'deliveries.member_id')
    .select(['members.employee_no', 'job_runs.slot', 'deliveries.status', 'deliveries.error'])
    .where('schedules.name', '=', 'system:pledge')
    .orderBy('members.employee_no')
    .execute();
}

async function reminderDeliveries() {
  return h.services.db
    .selectFrom('deliveries')
    .innerJoin('job_runs', 'job_runs.id', 'deliveries.job_run_id')
    .innerJoin('schedules', 'schedules.id', 'job_runs.schedule_id')
    .innerJoin('members', 'members.id', 'deliveries.member_id')
    .select(['members.employee_no', 'job_runs.day', 'deliveries.status', 'deliveries.error'])
    .where('schedules.kind', '=', 'pledge_reminder')
    .orderBy('job_runs.day')
    .orderBy('members.employee_no')
    .execute();
}

const TABLES = ['pledges', 'pledge_campaigns', 'pledge_signatures', 'pledge_reminders', 'job_runs', 'deliveries', 'audit_log', 'schedules'] as const;
async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await h.services.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

async function linkEveryone(people = EVERYONE) {
  for (const no of people) await h.command(no, 'whoami');
}

function dispatcher(port: FakePort) {
  return new Dispatcher(h.services, [port], { composers, sleep: noSleep });
}

const sentTo = (port: FakePort, employeeNo: string): Message[] =>
  port.sent.filter((s) => s.recipient.kind === 'user' && s.recipient.userId === employeeNo).map((s) => s.message);
const recipientsOf = (port: FakePort) => port.sent.map((s) => (s.recipient.kind === 'user' ? s.recipient.userId : `#${s.recipient.channelId}`)).sort();

/** The pledge text block of a card: the text a member reads before signing. */
function pledgeTextOf(message: Message | undefined): string {
  const block = message?.card?.blocks.find((b) => b.type === 'text');
  if (!block || block.type !== 'text') throw new Error('no text block on the card');
  return block.text;
}
const messageOf = (reply: Reply): Message => {
  if (reply.kind === 'none' || reply.kind === 'form') throw new Error(`expected a message, got ${reply.kind}`);
  return reply.message;
};

/** A copy of the core pack whose all-staff pledge has one more line in Korean. */
function revisedPack(extraLine: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'probity-pledge-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(SHIPPED_CONTENT, 'core', 'pack.yaml'), join(dir, 'pack.yaml'));
  const revised = RAW.map((p) => (p.slug === 'all-staff' ? { ...p, text: { ...p.text, ko: `${p.text.ko}${extraLine}\n` } } : p));
  writeFileSync(join(dir, 'pledges.yaml'), stringify({ pledges: revised }));
  return dir;
}

async function resync(dir: string) {
  const loaded = loadContent([dir]);
  expect(loaded.errors).toEqual([]);
  return syncPledges(h.services.db, loaded.catalog.pledges, h.clock.now().toISOString());
}

describe.each(DIALECTS)('%s: pledge versions and text hashes', (dialect) => {
  it('GIVEN the shipped pack THEN each pledge is version 1, and signing stores the SHA-256 of the exact text shown, in the language shown', async () => {
    await harness(dialect);
    const stored = await h.services.db.selectFrom('pledges').select(['slug', 'version', 'active', 'audience']).orderBy('slug').execute();
    expect(stored).toEqual([
      { slug: 'all-staff', version: 1, active: 1, audience: 'all' },
      { slug: 'leadership', version: 1, active: 1, audience: 'leaders' },
    ]);

    // Korean: the card shows the Korean text verbatim; the signature carries its hash.
    const korean = await h.command('1001', 'pledge');
    expect(pledgeTextOf(messageOf(korean))).toBe(ALL_STAFF.text.ko);
    const [sign] = buttonsOf(korean);
    expect(sign!.label).toBe('서약합니다');
    const signed = await h.press('1001', sign!);
    expect(signed.kind).toBe('replace');
    expect(textOf(signed)).toContain('「전 직원 청렴 실천 서약」에 서명했습니다 (2026-11-27 09:30)');
    expect(textOf(signed)).toContain(`서약문 지문(SHA-256): ${sha256(ALL_STAFF.text.ko).slice(0, 16)}…`);
    expect(buttonsOf(signed)).toEqual([]);

    // English: the English text, and the hash of the English text.
    h.clock.advance(60_000);
    const english = await h.command('1002', 'pledge');
    expect(pledgeTextOf(messageOf(english))).toBe(ALL_STAFF.text.en);
    expect(textOf(english)).toContain('I sign this pledge');
    await h.press('1002', buttonsOf(english)[0]!);

    const pledgeId = (await h.services.db.selectFrom('pledges').select('id').where('slug', '=', 'all-staff').executeTakeFirstOrThrow()).id;
    expect(await signatures()).toEqual([
      { employee_no: '1001', slug: 'all-staff', version: 1, pledge_id: pledgeId, campaign_id: null, locale: 'ko', text_hash: sha256(ALL_STAFF.text.ko), platform: 'console', platform_user_id: '1001', day: '2026-11-27', signed_at: KST('2026-11-27', '09:30') },
      { employee_no: '1002', slug: 'all-staff', version: 1, pledge_id: pledgeId, campaign_id: null, locale: 'en', text_hash: sha256(ALL_STAFF.text.en), platform: 'console', platform_user_id: '1002', day: '2026-11-27', signed_at: KST('2026-11-27', '09:31') },
    ]);
    expect(sha256(ALL_STAFF.text.ko)).not.toBe(sha256(ALL_STAFF.text.en));
  });

  it('GIVEN a changed text WHEN the pack is synced again THEN it is a new version: the old signature stays, the member is unsigned, an old button shows the new text, and re-signing adds a second row', async () => {
    await harness(dialect);
    const firstCard = await h.command('1001', 'pledge');
    const oldButton = buttonsOf(firstCard)[0]!;
    await h.press('1001', oldButton);
    // 1002 received the old card but had not signed it yet.
    const oldCardOf1002 = buttonsOf(await h.command('1002', 'pledge'))[0]!;

    const extra = '6. 개정된 서약 문구를 추가로 지키겠습니다.';
    expect(await resync(revisedPack(extra))).toEqual({ added: 0, revised: 1, retired: 0 });
    // Syncing the same pack again changes nothing.
    expect(await resync(revisedPack(extra))).toEqual({ added: 0, revised: 0, retired: 0 });
    const versions = await h.services.db.selectFrom('pledges').select(['id', 'version', 'active']).where('slug', '=', 'all-staff').orderBy('version').execute();
    expect(versions.map((v) => [v.version, v.active])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    const [v1, v2] = versions;
    const newText = `${ALL_STAFF.text.ko}\n${extra}`;

    // The old signature is evidence and stays; the member now shows as not signed.
    expect((await signatures()).map((s) => [s.employee_no, s.version, s.text_hash])).toEqual([['1001', 1, sha256(ALL_STAFF.text.ko)]]);
    const me = textOf(await h.command('1001', 'me'));
    expect(me).toContain('나의 서약');
    expect(me).toMatch(/전 직원 청렴 실천 서약: 서명 전/);
    const status = textOf(await h.command('3001', 'pledge', 'status', 'all-staff'));
    expect(status).toContain('(v2)');
    expect(status).toContain('- 행정국/감사과: 0/3 (0%)');

    // The old button does not sign: it shows the new text to read first.
    for (const who of ['1001', '1002'] as const) {
      const pressed = await h.press(who, who === '1001' ? oldButton : oldCardOf1002);
      expect(errorOf(pressed)).toBeUndefined();
      expect(textOf(pressed)).toContain(who === '1001' ? '서약문이 바뀌었습니다' : 'The pledge text has changed');
      if (who === '1001') expect(pledgeTextOf(messageOf(pressed))).toBe(newText);
      else expect(pledgeTextOf(messageOf(pressed))).toBe(ALL_STAFF.text.en);
      expect(buttonsOf(pressed)[0]!.actionId).toBe(`pledge.sign|${v2!.id}|${who === '1001' ? 'ko' : 'en'}`);
    }
    expect(await signatures()).toHaveLength(1);

    // Signing the new version records a second row, with the hash of the new text.
    const newButton = buttonsOf(await h.press('1001', oldButton))[0]!;
    expect(textOf(await h.press('1001', newButton))).toContain('서명했습니다');
    const rows = (await signatures()).filter((s) => s.employee_no === '1001');
    expect(rows.map((s) => [s.pledge_id, s.version, s.text_hash])).toEqual([
      [v1!.id, 1, sha256(ALL_STAFF.text.ko)],
      [v2!.id, 2, sha256(newText)],
    ]);
    expect(textOf(await h.command('1001', 'me'))).toMatch(/전 직원 청렴 실천 서약: 서명 완료 \(2026-11-27 09:30\)/);
  });

  it('GIVEN a pledge dropped from the pack THEN it is retired: not offered, and its buttons say so', async () => {
    await harness(dialect);
    const leaderCard = await h.command('2001', 'pledge', 'show', 'leadership');
    const dir = mkdtempSync(join(tmpdir(), 'probity-pledge-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(join(SHIPPED_CONTENT, 'core', 'pack.yaml'), join(dir, 'pack.yaml'));
    writeFileSync(join(dir, 'pledges.yaml'), stringify({ pledges: RAW.filter((p) => p.slug === 'all-staff') }));
    expect(await resync(dir)).toEqual({ added: 0, revised: 0, retired: 1 });
    const pressed = await h.press('2001', buttonsOf(leaderCard)[0]!);
    expect(errorOf(pressed)).toBe('pledge.error.retired');
    expect(await signatures()).toEqual([]);
    expect(errorOf(await h.command('3001', 'pledge', 'open', 'leadership'))).toBe('pledge.error.unknown');
  });
});

describe.each(DIALECTS)('%s: the pledge export', (dialect) => {
  it('GIVEN a signature at 09:30 in Seoul WHEN pledges are exported THEN the row has the UTC instant and, beside it, the local time', async () => {
    await harness(dialect);
    await h.press('1001', buttonsOf(await h.command('1001', 'pledge'))[0]!);
    const source = { ...h.services, t: translator('ko'), locale: 'ko' as const, today: '2026-11-27', nowIso: h.clock.now().toISOString() };
    const table = await pledgesTable({ ...exportBase(source), period: parsePeriod('2026-11', '2026-11-27') });
    const at = table.header.indexOf('서명 시각(UTC)');
    expect(table.header[at + 1]).toBe('서명 시각(Asia/Seoul)');
    const row = table.rows.find((r) => r[0] === 'core/all-staff' && r[4] === '1001')!;
    expect([row[at], row[at + 1]]).toEqual(['2026-11-27T00:30:00.000Z', '2026-11-27 09:30']);
    const unsigned = table.rows.find((r) => r[0] === 'core/all-staff' && r[4] === '1002')!;
    expect([unsigned[at], unsigned[at + 1]]).toEqual([null, null]);
  });
});

describe.each(DIALECTS)('%s: campaign runs in /integrity status', (dialect) => {
  it('GIVEN a campaign opened at 20:35 in Seoul WHEN an officer looks at recent runs THEN it is listed at 20:35 with its key, not at 09:00', async () => {
    await harness(dialect, { start: KST('2026-11-27', '20:35') });
    await h.command('3001', 'pledge', 'open', 'all-staff');
    const status = textOf(await h.command('3001', 'status'));
    expect(status).toContain('2026-11-27 20:35 (campaign:1)');
    expect(status).not.toContain('09:00');
  });
});

describe.each(DIALECTS)('%s: signing once', (dialect) => {
  it('GIVEN a signed pledge WHEN the button is pressed again THEN one row stays and the reply says it is already signed', async () => {
    await harness(dialect);
    const [sign] = buttonsOf(await h.command('1001', 'pledge'));
    await h.press('1001', sign!);
    h.clock.advance(5 * 60_000);
    const again = await h.press('1001', sign!);
    expect(again.kind).toBe('ephemeral');
    expect(errorOf(again)).toBeUndefined();
    expect(textOf(again).trim()).toBe('이미 서명하셨습니다 (2026-11-27 09:30). 두 번 기록되지 않습니다.');
    expect(await signatures()).toHaveLength(1);
    // Asking again shows the signed state, not a button.
    const mine = await h.command('1001', 'pledge');
    expect(textOf(mine)).toContain('해당하는 서약에 모두 서명하셨습니다');
    expect(buttonsOf(mine)).toEqual([]);
  });

  it('GIVEN three presses at once THEN exactly one signature is recorded', async () => {
    await harness(dialect);
    const [sign] = buttonsOf(await h.command('1002', 'pledge'));
    const replies = await Promise.all([h.press('1002', sign!), h.press('1002', sign!), h.press('1002', sign!)]);
    expect(replies.every((r) => errorOf(r) === undefined)).toBe(true);
    expect(replies.filter((r) => textOf(r).includes('You signed'))).toHaveLength(1);
    expect(await signatures()).toHaveLength(1);
  });

  it("GIVEN someone else's sign button THEN it signs for the one who presses it, with their own account", async () => {
    await harness(dialect);
    const [sign] = buttonsOf(await h.command('1001', 'pledge'));
    await h.press('5001', sign!);
    expect((await signatures()).map((s) => [s.employee_no, s.platform_user_id, s.locale])).toEqual([['5001', '5001', 'ko']]);
  });

  it('GIVEN the leadership pledge THEN employees cannot read or sign it; a manager can', async () => {
    await harness(dialect);
    expect(errorOf(await h.command('1001', 'pledge', 'show', 'leadership'))).toBe('pledge.error.not_for_you');
    const card = await h.command('2001', 'pledge', 'show', 'leadership');
    expect(pledgeTextOf(messageOf(card))).toBe(LEADERSHIP.text.ko);
    const refused = await h.press('1001', buttonsOf(card)[0]!);
    expect(errorOf(refused)).toBe('pledge.error.not_for_you');
    expect(await signatures()).toEqual([]);
    await h.press('2001', buttonsOf(card)[0]!);
    expect((await signatures()).map((s) => [s.employee_no, s.slug, s.text_hash])).toEqual([['2001', 'leadership', sha256(LEADERSHIP.text.ko)]]);
  });

  it('GIVEN forged sign buttons THEN a clear error and nothing recorded', async () => {
    await harness(dialect);
    for (const actionId of ['pledge.sign|999|ko', 'pledge.sign|abc|ko', 'pledge.sign|99999999999|ko', 'pledge.sign|1.5|ko', 'pledge.sign|1|fr', 'pledge.sign']) {
      const reply = await h.press('1001', { actionId, label: 'x' });
      expect(errorOf(reply), actionId).toBe('error.stale_action');
    }
    expect(await signatures()).toEqual([]);
  });
});

describe.each(DIALECTS)('%s: /integrity me shows the pledge state', (dialect) => {
  it('GIVEN a manager THEN both pledges are listed, signed with the time or not yet; an employee sees only the all-staff one', async () => {
    await harness(dialect);
    const before = textOf(await h.command('2001', 'me'));
    expect(before).toContain('전 직원 청렴 실천 서약: 서명 전');
    expect(before).toContain('간부·기관장 청렴 리더십 서약: 서명 전');
    await h.press('2001', buttonsOf(await h.command('2001', 'pledge', 'show', 'all-staff'))[0]!);
    const after = textOf(await h.command('2001', 'me'));
    expect(after).toContain('전 직원 청렴 실천 서약: 서명 완료 (2026-11-27 09:30)');
    expect(after).toContain('간부·기관장 청렴 리더십 서약: 서명 전');
    const employee = textOf(await h.command('1001', 'me'));
    expect(employee).toContain('전 직원 청렴 실천 서약: 서명 전');
    expect(employee).not.toContain('리더십');
    expect(textOf(await h.command('1002', 'me'))).toContain('All-staff integrity pledge: not signed yet');
  });
});

describe.each(DIALECTS)('%s: campaigns', (dialect) => {
  it('GIVEN hr opens the all-staff campaign THEN non-signers only are planned, with the campaign row and an audit entry; delivered cards sign with the campaign', async () => {
    await harness(dialect);
    await linkEveryone();
    await h.press('1001', buttonsOf(await h.command('1001', 'pledge'))[0]!);

    const opened = await h.command('3001', 'pledge', 'open', 'all-staff', '2026-12-11');
    expect(errorOf(opened)).toBeUndefined();
    expect(textOf(opened)).toContain('서약 캠페인 #1 「전 직원 청렴 실천 서약」을 시작했습니다: 5명에게 발송합니다 (대상 6명 중 1명은 이미 서명)');

    const campaigns = await h.services.db.selectFrom('pledge_campaigns').selectAll().execute();
    expect(campaigns).toEqual([
      { id: 1, pack: 'core', slug: 'all-staff', audience: JSON.stringify({ all: true }), due_on: '2026-12-11', opened_by: await idOf('3001'), opened_at: KST('2026-11-27', '09:30'), day: '2026-11-27', recipients: 5, closed_at: null },
    ]);
    expect((await pledgeDeliveries()).map((d) => [d.employee_no, d.slot, d.status])).toEqual(
      ['1002', '2001', '3001', '4001', '5001'].map((no) => [no, 'campaign:1', 'pending']),
    );
    const audit = await h.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'pledge.open').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_member_id: await idOf('3001'), actor_label: '최담당', occurred_at: KST('2026-11-27', '09:30') });
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ campaignId: 1, pledge: 'core/all-staff', version: 1, audience: { all: true }, dueOn: '2026-12-11', audienceSize: 6, alreadySigned: 1, sent: 5 });

    // Through the outbox: each non-signer gets the full text in their language with the due date.
    const port = new FakePort();
    await dispatcher(port).drainDue();
    expect(recipientsOf(port)).toEqual(['1002', '2001', '3001', '4001', '5001']);
    const lee = sentTo(port, '1002')[0]!;
    expect(pledgeTextOf(lee)).toBe(ALL_STAFF.text.en);
    expect(textOf({ kind: 'ephemeral', message: lee })).toContain('Sign by 2026-12-11');
    const kim2 = sentTo(port, '5001')[0]!;
    expect(pledgeTextOf(kim2)).toBe(ALL_STAFF.text.ko);
    expect(textOf({ kind: 'ephemeral', message: kim2 })).toContain('청렴 서약에 참여해 주세요');

    h.clock.advance(3_600_000);
    await h.press('1002', cardButtons(lee.card)[0]!);
    const row = (await signatures()).find((s) => s.employee_no === '1002')!;
    expect(row).toMatchObject({ campaign_id: 1, locale: 'en', text_hash: sha256(ALL_STAFF.text.en), signed_at: KST('2026-11-27', '10:30') });

    // The same campaign again today is refused and adds nothing.
    const counts = await rowCounts();
    expect(errorOf(await h.command('3001', 'pledge', 'open', 'all-staff'))).toBe('pledge.error.already_open');
    expect(await rowCounts()).toEqual(counts);
  });

  it('GIVEN a signer who signs between planning and sending THEN the campaign message is not sent to them', async () => {
    await harness(dialect);
    await linkEveryone();
    await h.command('4001', 'pledge', 'open', 'all-staff');
    await h.press('5001', buttonsOf(await h.command('5001', 'pledge'))[0]!);
    const port = new FakePort();
    await dispatcher(port).drainDue();
    expect(recipientsOf(port)).toEqual(['1001', '1002', '2001', '3001', '4001']);
    expect((await pledgeDeliveries()).find((d) => d.employee_no === '5001')).toMatchObject({ status: 'skipped', error: 'not_needed' });
  });

  it('GIVEN admin opens the leadership pledge, or a campaign for one department THEN only that audience is planned', async () => {
    await harness(dialect);
    expect(textOf(await h.command('4001', 'pledge', 'open', 'leadership'))).toContain('1명에게 발송합니다');
    expect(errorOf(await h.command('4001', 'pledge', 'open', 'all-staff', '행정국/감사과', '2026-12-01'))).toBeUndefined();
    expect((await pledgeDeliveries()).map((d) => [d.employee_no, d.slot])).toEqual([
      ['1001', 'campaign:2'],
      ['1002', 'campaign:2'],
      ['2001', 'campaign:1'],
      ['3001', 'campaign:2'],
    ]);
    const second = await h.services.db.selectFrom('pledge_campaigns').select(['audience', 'due_on']).where('id', '=', 2).executeTakeFirstOrThrow();
    expect(second).toEqual({ audience: JSON.stringify({ departments: ['행정국/감사과'] }), due_on: '2026-12-01' });
  });

  it('GIVEN campaigns for two departments THEN status counts everyone they address, not only the latest campaign', async () => {
    await harness(dialect);
    await h.command('3001', 'pledge', 'open', 'all-staff', '행정국/감사과');
    await h.press('1001', buttonsOf(await h.command('1001', 'pledge'))[0]!);
    await h.command('3001', 'pledge', 'open', 'all-staff', '복지국');
    const status = textOf(await h.command('3001', 'pledge', 'status', 'all-staff'));
    expect(status).toContain('서명: 1/4 (25%)');
    expect(status).toContain('- 복지국: 0/1 (0%)\n- 행정국/감사과: 1/3 (33.3%)');
    expect(status).toContain('#2 · 시작 2026-11-27 · 기한 –');
    const list = textOf(await h.command('3001', 'pledge', 'nonsigners', 'all-staff'));
    expect(list).toContain('미서명자 3명');
    expect(list).toContain('한복지');
    expect(list).toContain('Lee Integrity');
  });

  it('GIVEN the leadership pledge opened for everyone THEN only those it applies to (managers) are asked to sign it', async () => {
    await harness(dialect);
    const opened = await h.command('4001', 'pledge', 'open', 'leadership', 'all');
    expect(errorOf(opened)).toBeUndefined();
    // An employee could not sign it (pledge.error.not_for_you), so they must not be sent it or counted.
    expect((await pledgeDeliveries()).map((d) => d.employee_no)).toEqual(['2001']);
    const status = textOf(await h.command('3001', 'pledge', 'status', 'leadership'));
    expect(status).toContain('0/1 (0%)');
    expect(status).not.toContain('행정국/감사과');
  });

  it('GIVEN bad input THEN a localised error names the problem and nothing changes', async () => {
    await harness(dialect);
    await h.command('3001', 'pledge', 'open', 'all-staff', '복지국');
    const before = await rowCounts();
    const cases: [string[], string, string][] = [
      [['open'], 'pledge.error.usage', '사용법'],
      [['open', 'no-such-pledge'], 'pledge.error.unknown', '서약 "no-such-pledge" 이(가) 없습니다. 있는 서약: all-staff, leadership'],
      [['open', 'all-staff', '2026-11-26'], 'pledge.error.due_past', '기한이 이미 지났습니다: 2026-11-26 (오늘 2026-11-27)'],
      [['open', 'all-staff', '2026-02-30'], 'pledge.error.due_invalid', '날짜가 올바르지 않습니다: "2026-02-30"'],
      [['open', 'all-staff', '2026-13-01'], 'pledge.error.due_invalid', '"2026-13-01"'],
      [['open', 'all-staff', '없는국'], 'audience.error.unknown', '명부에 없는 부서입니다: "없는국"'],
      [['open', 'all-staff', '행정국/없는과', '2026-12-01'], 'audience.error.unknown', '"행정국/없는과"'],
      [['open', 'all-staff', '복지국'], 'pledge.error.already_open', '캠페인 #1'],
      [['open', 'leadership', '복지국'], 'pledge.error.empty_audience', '대상에 재직 중인 직원이 없습니다.'],
      [['status', 'nope'], 'pledge.error.unknown', '"nope"'],
      [['nonsigners'], 'pledge.error.usage', '사용법'],
      [['frobnicate'], 'pledge.error.usage', '사용법'],
    ];
    for (const [args, code, shown] of cases) {
      const reply = await h.command('3001', 'pledge', ...args);
      expect(errorOf(reply), args.join(' ')).toBe(code);
      expect(textOf(reply), args.join(' ')).toContain(shown);
    }
    // In English for an English-speaking operator.
    await h.command('3001', 'lang', 'en');
    const english = await h.command('3001', 'pledge', 'open', 'all-staff', '2026-11-01');
    expect(textOf(english)).toContain('The due date has already passed: 2026-11-01 (today is 2026-11-27)');
    const unknown = await h.command('3001', 'pledge', 'open', 'all-staff', 'Nowhere');
    expect(textOf(unknown)).toContain('No such department in the roster: "Nowhere"');
    // Today is still allowed as a due date.
    const after = await rowCounts();
    expect(after).toEqual(before);
    expect(errorOf(await h.command('3001', 'pledge', 'open', 'all-staff', '2026-11-27', '행정국'))).toBeUndefined();
  });
});

describe.each(DIALECTS)('%s: completion and non-signers', (dialect) => {
  it('GIVEN some signatures THEN status shows completion by department against the roster headcount, and non-signers are listed for hr with an audit entry', async () => {
    await harness(dialect);
    for (const no of ['1001', '1002', '2001']) await h.press(no, buttonsOf(await h.command(no, 'pledge', 'show', 'all-staff'))[0]!);
    // Someone who has left is not in the denominator.
    await importRoster(h.services.db, ROSTER.split('\n').filter((l) => !l.startsWith('5001')).join('\n'), { sync: true, skipInvalid: false, today: '2026-11-27', nowIso: h.clock.now().toISOString(), actorLabel: 'test' });

    const status = await h.command('3001', 'pledge', 'status', 'all-staff');
    expect(errorOf(status)).toBeUndefined();
    const shown = textOf(status);
    expect(shown).toContain('서약 현황 (부서별, 재직 인원 기준)');
    expect(shown).toContain('전 직원 청렴 실천 서약** (v1)');
    expect(shown).toContain('서명: 3/5 (60%)');
    expect(shown).toContain('- 행정국: 1/2 (50%)\n- 행정국/감사과: 2/3 (66.7%)');
    expect(shown).not.toContain('복지국');
    const [nonSignersButton] = buttonsOf(status);
    expect(nonSignersButton!.label).toBe('미서명자 명단');

    // All pledges when none is named: the leadership one counts managers only.
    const all = textOf(await h.command('4001', 'pledge', 'status'));
    expect(all).toContain('간부·기관장 청렴 리더십 서약** (v1)');
    expect(all).toContain('서명: 0/1 (0%)');

    const list = await h.command('3001', 'pledge', 'nonsigners', 'all-staff');
    expect(textOf(list)).toContain('「전 직원 청렴 실천 서약」 미서명자 2명');
    expect(textOf(list)).toContain('- 최담당 (3001) · 행정국/감사과');
    expect(textOf(list)).toContain('- 정관리 (4001) · 행정국');
    for (const signer of ['김청렴', 'Lee Integrity', '박과장', '한복지']) expect(textOf(list)).not.toContain(signer);
    // The status card's button gives the same list.
    expect(textOf(await h.press('4001', nonSignersButton!))).toContain('미서명자 2명');
    const audit = await h.services.db.selectFrom('audit_log').select(['actor_member_id', 'details']).where('action', '=', 'pledge.non_signers').orderBy('id').execute();
    expect(audit.map((a) => [a.actor_member_id, JSON.parse(a.details)])).toEqual([
      [await idOf('3001'), { pledge: 'core/all-staff', listed: 2 }],
      [await idOf('4001'), { pledge: 'core/all-staff', listed: 2 }],
    ]);
    // Employees and managers do not see who has not signed.
    for (const who of ['1001', '2001']) {
      expect(errorOf(await h.command(who, 'pledge', 'nonsigners', 'all-staff'))).toBe('error.forbidden');
      expect(errorOf(await h.press(who, nonSignersButton!))).toBe('error.forbidden');
    }
  });

  it('GIVEN everyone signed THEN status shows 100% and offers no non-signers button', async () => {
    await harness(dialect);
    for (const no of EVERYONE) await h.press(no, buttonsOf(await h.command(no, 'pledge', 'show', 'all-staff'))[0]!);
    const status = await h.command('3001', 'pledge', 'status', 'all-staff');
    expect(textOf(status)).toContain('서명: 6/6 (100%)');
    expect(buttonsOf(status)).toEqual([]);
    expect(textOf(await h.command('3001', 'pledge', 'nonsigners', 'all-staff'))).toContain('모두 서명했습니다.');
  });
});

describe.each(DIALECTS)('%s: the welcome pledge for new members', (dialect) => {
  /** As src/cli.ts does after an import: new hires get the welcome pledge, the first import does not. */
  async function importAsCli(csv: string) {
    const now = h.clock.now();
    const result = await importRoster(h.services.db, csv, { sync: false, skipInvalid: false, today: '2026-11-27', nowIso: now.toISOString(), actorLabel: 'cli' });
    expect(result.imported).toBe(true);
    const offered = !result.firstImport && result.addedIds.length > 0 ? await offerWelcomePledge(h.services.db, h.services.config, result.addedIds, now) : 0;
    return { result, offered };
  }

  it('GIVEN a first import THEN no welcome; a later import with a new person THEN only that person gets the all-staff pledge, once, even without an account until they link one', async () => {
    await harness(dialect, { roster: null });
    const first = await importAsCli(ROSTER);
    expect(first.result.firstImport).toBe(true);
    expect(first.offered).toBe(0);
    expect(await pledgeDeliveries()).toEqual([]);

    await linkEveryone();
    const withNewHire = `${ROSTER}\n1003,신입,new@city.example,행정국/감사과,employee,ko`;
    const second = await importAsCli(withNewHire);
    expect(second.result.firstImport).toBe(false);
    expect(second.result.addedIds).toEqual([await idOf('1003')]);
    expect(second.offered).toBe(1);
    expect((await pledgeDeliveries()).map((d) => [d.employee_no, d.slot, d.status])).toEqual([['1003', 'welcome:2026-11-27', 'pending']]);
    // Offering again (a re-run, a Slack join) plans nothing more.
    expect(await offerWelcomePledge(h.services.db, h.services.config, [await idOf('1003')], h.clock.now())).toBe(0);
    expect(await pledgeDeliveries()).toHaveLength(1);

    // Not on chat yet: the delivery fails for want of an account ...
    const port = new FakePort();
    await dispatcher(port).drainDue();
    expect(port.sent).toEqual([]);
    expect(await pledgeDeliveries()).toEqual([{ employee_no: '1003', slot: 'welcome:2026-11-27', status: 'failed', error: 'no_account' }]);
    // ... and is offered again when they first reach Probity.
    h.clock.advance(24 * 3_600_000);
    await h.command('1003', 'whoami');
    expect((await pledgeDeliveries()).map((d) => [d.slot, d.status])).toEqual([['welcome:2026-11-28', 'pending']]);
    await dispatcher(port).drainDue();
    expect(recipientsOf(port)).toEqual(['1003']);
    const card = sentTo(port, '1003')[0]!;
    expect(pledgeTextOf(card)).toBe(ALL_STAFF.text.ko);
    expect(textOf({ kind: 'ephemeral', message: card })).toContain('새로 오신 것을 환영합니다');
    await h.press('1003', cardButtons(card.card)[0]!);
    expect((await signatures()).map((s) => [s.employee_no, s.text_hash])).toEqual([['1003', sha256(ALL_STAFF.text.ko)]]);
  });

  it('GIVEN a member_joined event THEN that member is offered the welcome pledge once, and not at all once signed', async () => {
    await harness(dialect);
    const joined = { platform: 'console' as const, conversation: { id: 'c1', kind: 'dm' as const }, type: 'member_joined' as const };
    expect(await h.engine.dispatch({ ...joined, actor: consoleActor('1001') })).toEqual({ kind: 'none' });
    expect(await h.engine.dispatch({ ...joined, actor: consoleActor('1001') })).toEqual({ kind: 'none' });
    expect((await pledgeDeliveries()).map((d) => [d.employee_no, d.slot])).toEqual([['1001', 'welcome:2026-11-27']]);
    await h.press('1002', buttonsOf(await h.command('1002', 'pledge'))[0]!);
    await h.engine.dispatch({ ...joined, actor: consoleActor('1002') });
    expect((await pledgeDeliveries()).map((d) => d.employee_no)).toEqual(['1001']);
  });

  it('GIVEN the real CLI THEN the first import offers nothing and a second import offers the new person only', async () => {
    // The CLI opens its own connection, so the database must be one it can reach: a file or PostgreSQL.
    let url: string;
    let db: Db;
    if (dialect === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'probity-cli-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      url = `sqlite:${join(dir, 'p.sqlite')}`;
      db = createDb({ dialect: 'sqlite', path: join(dir, 'p.sqlite') });
    } else {
      const created = await createPostgresDatabase();
      cleanups.push(created.drop);
      url = created.url;
      db = createDb({ dialect: 'postgres', url });
    }
    cleanups.unshift(() => db.destroy());
    await migrateToLatest(db);
    const dir = mkdtempSync(join(tmpdir(), 'probity-csv-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const io = { out: () => undefined, err: () => undefined };
    writeFileSync(join(dir, 'one.csv'), ROSTER);
    expect(await runCli(['roster', 'import', join(dir, 'one.csv')], io, { DATABASE_URL: url })).toBe(0);
    const welcomes = () =>
      db
        .selectFrom('deliveries')
        .innerJoin('members', 'members.id', 'deliveries.member_id')
        .innerJoin('job_runs', 'job_runs.id', 'deliveries.job_run_id')
        .select(['members.employee_no', 'job_runs.slot'])
        .execute();
    expect(await welcomes()).toEqual([]);
    writeFileSync(join(dir, 'two.csv'), `${ROSTER}\n1003,신입,new@city.example,복지국,employee,ko\n1004,New Hire,new2@city.example,행정국,employee,en`);
    expect(await runCli(['roster', 'import', join(dir, 'two.csv')], io, { DATABASE_URL: url })).toBe(0);
    const rows = await welcomes();
    expect(rows.map((r) => r.employee_no).sort()).toEqual(['1003', '1004']);
    expect(rows.every((r) => r.slot.startsWith('welcome:'))).toBe(true);
    // Importing the same file again offers nothing more.
    expect(await runCli(['roster', 'import', join(dir, 'two.csv')], io, { DATABASE_URL: url })).toBe(0);
    expect(await welcomes()).toHaveLength(2);
  });
});

const REMINDERS = `schedules:
  - name: pledge-reminders
    kind: pledge_reminder
    cron: "0 10 * * *"
    audience: all
    workingDaysOnly: true
`;

describe.each(DIALECTS)('%s: reminders to non-signers', (dialect) => {
  it('GIVEN a campaign and PROBITY_PLEDGE_REMINDER_MAX=2 THEN reminders go out on working days only, to non-signers only, stop on signing and after two', async () => {
    // Wednesday 23 December 2026; Friday the 25th is 기독탄신일.
    await harness(dialect, { start: KST('2026-12-23', '09:00'), schedules: REMINDERS, env: { PROBITY_PLEDGE_REMINDER_MAX: '2' } });
    await linkEveryone();
    await h.command('3001', 'pledge', 'open', 'all-staff', '행정국');
    // 행정국 subtree: 1001, 1002, 2001, 3001, 4001. 1001 signs at once.
    await h.press('1001', buttonsOf(await h.command('1001', 'pledge'))[0]!);
    const port = new FakePort();
    await dispatcher(port).drainDue();
    expect(recipientsOf(port)).toEqual(['1002', '2001', '3001', '4001']);
    port.sent.length = 0;

    const scheduler = new Scheduler(h.services, planners);
    const fire = async (day: string) => {
      h.clock.set(KST(day, '10:00'));
      const outcomes = await scheduler.runDue();
      return outcomes.map((o) => [o.slot.slice(0, 10), o.status, o.reason, o.planned]);
    };

    // The opening day's message is the first contact: no reminder the same day.
    expect(await fire('2026-12-23')).toEqual([['2026-12-23', 'skipped', 'nobody', 0]]);

    // Thursday: the first reminder, to the four non-signers; 2001 signs after planning, before sending.
    expect(await fire('2026-12-24')).toEqual([['2026-12-24', 'planned', null, 4]]);
    await h.press('2001', buttonsOf(await h.command('2001', 'pledge', 'show', 'all-staff'))[0]!);
    await dispatcher(port).drainDue();
    expect(recipientsOf(port)).toEqual(['1002', '3001', '4001']);
    expect(textOf({ kind: 'ephemeral', message: sentTo(port, '3001')[0]! })).toContain('아직 서명하지 않으신 서약입니다 (안내 1/2회)');
    expect(textOf({ kind: 'ephemeral', message: sentTo(port, '1002')[0]! })).toContain('(reminder 1 of 2)');
    expect(pledgeTextOf(sentTo(port, '1002')[0]!)).toBe(ALL_STAFF.text.en);
    expect((await reminderDeliveries()).find((d) => d.employee_no === '2001')).toMatchObject({ status: 'skipped', error: 'not_needed' });
    port.sent.length = 0;

    // Christmas and the weekend: nothing.
    expect(await fire('2026-12-25')).toEqual([['2026-12-25', 'skipped', 'holiday', 0]]);
    expect(await fire('2026-12-26')).toEqual([['2026-12-26', 'skipped', 'weekend', 0]]);
    expect(await fire('2026-12-27')).toEqual([['2026-12-27', 'skipped', 'weekend', 0]]);

    // 3001 signs from the reminder card; Monday's second reminder reaches the two left.
    h.clock.set(KST('2026-12-27', '12:00'));
    await h.press('3001', buttonsOf(await h.command('3001', 'pledge'))[0]!);
    expect(await fire('2026-12-28')).toEqual([['2026-12-28', 'planned', null, 2]]);
    await dispatcher(port).drainDue();
    expect(recipientsOf(port)).toEqual(['1002', '4001']);
    expect(textOf({ kind: 'ephemeral', message: sentTo(port, '4001')[0]! })).toContain('(안내 2/2회)');
    port.sent.length = 0;

    // Tuesday: both have had the maximum; nothing more, ever.
    expect(await fire('2026-12-29')).toEqual([['2026-12-29', 'skipped', 'nobody', 0]]);
    expect(await fire('2026-12-30')).toEqual([['2026-12-30', 'skipped', 'nobody', 0]]);
    expect(port.sent).toEqual([]);

    const counted = await h.services.db
      .selectFrom('pledge_reminders')
      .innerJoin('members', 'members.id', 'pledge_reminders.member_id')
      .select(['members.employee_no', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('members.employee_no')
      .orderBy('members.employee_no')
      .execute();
    expect(counted.map((c) => [c.employee_no, Number(c.n)])).toEqual([
      ['1002', 2],
      ['2001', 1],
      ['3001', 1],
      ['4001', 2],
    ]);
    await scheduler.stop();
  });

  it('GIVEN PROBITY_PLEDGE_REMINDER_MAX=0 THEN no reminder is ever planned', async () => {
    await harness(dialect, { start: KST('2026-11-26', '09:00'), schedules: REMINDERS, env: { PROBITY_PLEDGE_REMINDER_MAX: '0' } });
    await h.command('3001', 'pledge', 'open', 'all-staff');
    const scheduler = new Scheduler(h.services, planners);
    for (const day of ['2026-11-26', '2026-11-27', '2026-11-30']) {
      h.clock.set(KST(day, '10:00'));
      const outcomes = await scheduler.runDue();
      expect(outcomes.at(-1)).toMatchObject({ status: 'skipped', reason: 'nobody', planned: 0 });
    }
    expect(await reminderDeliveries()).toEqual([]);
    await scheduler.stop();
  });
});
