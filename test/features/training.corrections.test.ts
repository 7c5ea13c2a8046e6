/**
 * Corrections to the training ledger: a wrong attendee and a session recorded with the wrong minutes
 * are removed (audit-logged, the figures follow), the corrected file records the right session, bad
 * input names the item and changes nothing, and a removal made twice finds nothing left to remove.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseLedger, type LedgerRow } from '../../src/features/training/training.js';
import { recordLedger } from '../../src/features/training/training.repository.js';
import { applyRemoval, listSessions, planRemoval, TRAINING_REMOVE_ACTION, type RemovalPlan } from '../../src/features/training/training.corrections.js';
import { statusesFor } from '../../src/features/training/training.stats.js';
import { DIALECTS, type DialectName } from '../support/databases.js';
import { createHarness, textOf, type Harness } from '../support/harness.js';
import { trainingRoster } from './training-fixture.js';

const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const NOW = KST('2026-11-27', '10:00');
const row = (employeeNo: string, day: string, title: string, kind: LedgerRow['kind'], minutes: number): LedgerRow => ({ row: 1, employeeNo, day, title, kind, minutes });

let h: Harness;
afterEach(async () => {
  await h?.close();
  h = undefined as unknown as Harness;
});

/** 1104 recorded by mistake at the April session; the May e-learning recorded as 600 minutes instead of 60. */
async function setUp(dialect: DialectName) {
  h = await createHarness({ dialect, roster: trainingRoster(), start: KST('2026-11-27', '09:30'), env: { PROBITY_MIN_GROUP_SIZE: '5' } });
  const rows = [
    ...['1101', '1102', '1103', '0001', '1104'].map((no) => row(no, '2026-04-10', '청렴 집합교육', 'face_to_face', 120)),
    ...['1201', '1202', '1203', '1204', '1205'].map((no) => row(no, '2026-05-20', '청탁금지법 이러닝', 'elearning', 600)),
  ];
  expect(await recordLedger(h.services.db, rows, { nowIso: KST('2026-11-27', '09:00'), actorLabel: 'test', source: 'test' })).toMatchObject({ recorded: true, sessionsAdded: 2, attendanceAdded: 10 });
}

const removable = (plan: RemovalPlan) => {
  if (plan.kind !== 'remove') throw new Error(`expected a removal, got ${JSON.stringify(plan)}`);
  return plan;
};
const ledger = async () => (await listSessions(h.services.db, 2026)).map((s) => `${s.day} ${s.title} ${s.kind} ${s.minutes} ${s.attendees}`);
const audits = async () => (await h.services.db.selectFrom('audit_log').select('details').where('action', '=', TRAINING_REMOVE_ACTION).orderBy('id').execute()).map((r) => JSON.parse(String(r.details)));
const completion = async () => textOf(await h.command('9001', 'stats', 'training', '2026'));

describe.each(DIALECTS)('%s', (dialect) => {
  it('GIVEN a wrong attendee and a session with the wrong minutes WHEN removed and the corrected file re-imported THEN the ledger, the figures and the audit log follow', async () => {
    await setUp(dialect);
    const [april, may] = await listSessions(h.services.db, 2026);
    expect(await ledger()).toEqual(['2026-04-10 청렴 집합교육 face_to_face 120 5', '2026-05-20 청탁금지법 이러닝 elearning 600 5']);
    expect((await listSessions(h.services.db, 2026, '시청/총무과')).map((s) => [s.id, s.attendees])).toEqual([[may!.id, 5]]);
    expect(await completion()).toContain('이수 요건 충족: 76.9% (10/13)');

    const wrongPerson = removable(await planRemoval(h.services.db, String(april!.id), ['1104']));
    expect(await applyRemoval(h.services.db, wrongPerson, { nowIso: NOW, actorLabel: 'cli' })).toBe(1);
    expect(await completion()).toContain('이수 요건 충족: 69.2% (9/13)');
    // The reminder goes by the same statuses: 1104 is short again.
    const of1104 = (await statusesFor(h.services.db, 2026, '2026-11-27', 30)).find((s) => s.person.employeeNo === '1104')!;
    expect(of1104.status).toMatchObject({ minutes: 0, complete: false });

    // A corrected row with other minutes is another session: the wrong one stays until removed.
    const corrected = parseLedger(['date,title,kind,minutes,employee_no', ...['1201', '1202', '1203', '1204', '1205'].map((no) => `2026-05-20,청탁금지법 이러닝,이러닝,60,${no}`)].join('\n'));
    expect(await recordLedger(h.services.db, corrected.rows, { nowIso: NOW, actorLabel: 'cli', source: 'fixed.csv' })).toMatchObject({ sessionsAdded: 1, attendanceAdded: 5 });
    expect(await ledger()).toEqual(['2026-04-10 청렴 집합교육 face_to_face 120 4', '2026-05-20 청탁금지법 이러닝 elearning 600 5', '2026-05-20 청탁금지법 이러닝 elearning 60 5']);
    expect(await completion()).toContain('이수 요건 충족: 69.2% (9/13)');
    const wrongSession = removable(await planRemoval(h.services.db, String(may!.id), []));
    expect(await applyRemoval(h.services.db, wrongSession, { nowIso: NOW, actorLabel: 'cli' })).toBe(5);
    expect(await ledger()).toEqual(['2026-04-10 청렴 집합교육 face_to_face 120 4', '2026-05-20 청탁금지법 이러닝 elearning 60 5']);
    expect(await completion()).toContain('이수 요건 충족: 30.8% (4/13)');

    expect(await audits()).toEqual([
      { session: { id: april!.id, day: '2026-04-10', title: '청렴 집합교육', kind: 'face_to_face', minutes: 120 }, whole: false, employeeNos: ['1104'], attendanceRemoved: 1 },
      { session: { id: may!.id, day: '2026-05-20', title: '청탁금지법 이러닝', kind: 'elearning', minutes: 600 }, whole: true, employeeNos: ['1201', '1202', '1203', '1204', '1205'], attendanceRemoved: 5 },
    ]);

    // Removing twice is harmless: nothing left, nothing written.
    expect(await planRemoval(h.services.db, String(april!.id), ['1104'])).toEqual({ kind: 'nothing', session: april!.id });
    expect(await planRemoval(h.services.db, String(may!.id), [])).toEqual({ kind: 'nothing', session: may!.id });
    expect(await audits()).toHaveLength(2);
  });

  it('GIVEN bad input WHEN a removal is planned THEN each item is named and nothing changes', async () => {
    await setUp(dialect);
    const [april] = await listSessions(h.services.db, 2026);
    const before = await ledger();
    expect(await planRemoval(h.services.db, 'abc', [])).toEqual({ kind: 'problems', problems: [{ code: 'training.remove.error.id', params: { value: 'abc' } }] });
    expect(await planRemoval(h.services.db, '0', [])).toMatchObject({ kind: 'problems', problems: [{ code: 'training.remove.error.id' }] });
    expect(await planRemoval(h.services.db, '99999', [])).toEqual({ kind: 'problems', problems: [{ code: 'training.remove.error.unknown_session', params: { value: 99999 } }] });
    // One attendee, one who never attended, one not on the roster: the whole removal is refused.
    expect(await planRemoval(h.services.db, String(april!.id), ['1101', '1201', '7777'])).toEqual({
      kind: 'problems',
      problems: [
        { code: 'training.remove.error.not_attending', params: { value: '1201', session: april!.id } },
        { code: 'training.remove.error.not_attending', params: { value: '7777', session: april!.id } },
      ],
    });
    expect(await ledger()).toEqual(before);
    expect(await audits()).toEqual([]);
  });

  it('GIVEN an attendee recorded while the operator is asked WHEN the whole session is removed THEN the audit entry names everyone removed', async () => {
    await setUp(dialect);
    const [, may] = await listSessions(h.services.db, 2026);
    const plan = removable(await planRemoval(h.services.db, String(may!.id), []));
    expect(plan.attendees.map((a) => a.employeeNo)).toEqual(['1201', '1202', '1203', '1204', '1205']);
    await recordLedger(h.services.db, [row('1101', '2026-05-20', '청탁금지법 이러닝', 'elearning', 600)], { nowIso: NOW, actorLabel: 'cli', source: 'late.csv' });
    expect(await applyRemoval(h.services.db, plan, { nowIso: NOW, actorLabel: 'cli' })).toBe(6);
    expect((await audits())[0]).toMatchObject({ whole: true, employeeNos: ['1101', '1201', '1202', '1203', '1204', '1205'], attendanceRemoved: 6 });
    expect(await ledger()).toEqual(['2026-04-10 청렴 집합교육 face_to_face 120 5']);
  });
});
