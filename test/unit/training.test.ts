/** The training duty's pure rules: the ledger file's rows and where a member stands in a year. */
import { describe, expect, it } from 'vitest';
import { parseKind, parseLedger, sessionProblems, trainingStatus, type Attended } from '../../src/features/training/training.js';
import { translator } from '../../src/i18n/index.js';
import { headsOf, type PersonRow } from '../../src/features/training/training.repository.js';

const rules = { newHireDays: 30, firstLoadDay: '2026-01-05' };
const f2f = (day: string, minutes = 60): Attended => ({ day, kind: 'face_to_face', minutes });
const online = (day: string, minutes = 60): Attended => ({ day, kind: 'online', minutes });

describe('trainingStatus', () => {
  it('GIVEN sessions in and out of the year WHEN counted THEN only the year up to the day asked counts, and 120 minutes complete it', () => {
    const person = { joinedOn: '2026-01-05', promotedOn: null, attended: [online('2025-12-30', 120), online('2026-03-01'), f2f('2026-06-01'), online('2026-12-20')] };
    expect(trainingStatus(person, 2026, '2026-11-30', rules)).toMatchObject({ minutes: 120, faceToFaceMinutes: 60, minutesMet: true, complete: true, sessions: 2 });
    expect(trainingStatus(person, 2026, '2026-05-31', rules)).toMatchObject({ minutes: 60, minutesMet: false, complete: false });
    expect(trainingStatus(person, 2025, '2026-11-30', rules)).toMatchObject({ minutes: 120, complete: true });
  });

  it('GIVEN a new hire WHEN only online sessions or a late face-to-face one are recorded THEN the face-to-face duty is open or missed; within the window it is met', () => {
    const hire = (attended: Attended[]) => trainingStatus({ joinedOn: '2026-03-02', promotedOn: null, attended }, 2026, '2026-12-31', rules);
    expect(hire([online('2026-03-03', 120)]).newHire).toEqual({ required: true, due: '2026-04-01', met: false });
    expect(hire([online('2026-03-03', 120)]).complete).toBe(false);
    expect(hire([f2f('2026-04-02', 120)]).newHire).toMatchObject({ met: false });
    expect(hire([f2f('2026-04-01', 120)])).toMatchObject({ newHire: { met: true }, complete: true });
    // The first load of the roster is no wave of hires.
    expect(trainingStatus({ joinedOn: '2026-01-05', promotedOn: null, attended: [] }, 2026, '2026-12-31', rules).newHire).toEqual({ required: false });
    expect(trainingStatus({ joinedOn: '2026-03-02', promotedOn: null, attended: [] }, 2026, '2026-12-31', { ...rules, firstLoadDay: null }).newHire).toEqual({ required: false });
  });

  it('GIVEN a promotion WHEN a face-to-face session came before it THEN it does not count; one after it does; a promotion in another year asks nothing', () => {
    const promoted = (promotedOn: string, attended: Attended[]) => trainingStatus({ joinedOn: '2020-01-01', promotedOn, attended }, 2026, '2026-12-31', rules);
    expect(promoted('2026-07-01', [f2f('2026-06-30', 120)]).promoted).toEqual({ required: true, due: '2026-07-31', met: false });
    expect(promoted('2026-07-01', [f2f('2026-07-01', 120)])).toMatchObject({ promoted: { met: true }, complete: true });
    expect(promoted('2025-07-01', [online('2026-02-01', 120)])).toMatchObject({ promoted: { required: false }, complete: true });
  });
});

describe('parseLedger', () => {
  it('GIVEN bad rows WHEN parsed THEN each problem names its row and field; blank lines keep the numbering', () => {
    const text = ['date,title,kind,minutes,employee_no', '2026-04-10,교육,집합,120,1001', '', '2026-04-31,,zoom,abc,', '2026-04-10,교육,face_to_face,120,1001'].join('\n');
    const { rows, problems } = parseLedger(text);
    expect(rows).toEqual([{ row: 2, employeeNo: '1001', day: '2026-04-10', title: '교육', kind: 'face_to_face', minutes: 120 }]);
    expect(problems.map((p) => [p.row, p.field, p.code])).toEqual([
      [4, 'date', 'training.error.date'],
      [4, 'title', 'training.error.title_missing'],
      [4, 'kind', 'training.error.kind'],
      [4, 'minutes', 'training.error.minutes'],
      [4, 'employee_no', 'training.error.employee_no_missing'],
      [5, 'employee_no', 'training.error.duplicate_row'],
    ]);
  });

  it('GIVEN a header without a column or with an unknown one WHEN parsed THEN the header is refused by name', () => {
    expect(parseLedger('date,title,kind,employee_no\n2026-04-10,a,online,1001').problems).toEqual([{ row: 1, code: 'roster.error.missing_columns', params: { columns: 'minutes' } }]);
    expect(parseLedger('date,title,kind,minutes,employee_no,room\n').problems[0]).toMatchObject({ row: 1, code: 'roster.error.unknown_columns' });
    expect(parseLedger('').problems).toEqual([{ row: 1, code: 'roster.error.empty' }]);
  });

  it('GIVEN a session after today WHEN parsed THEN it is refused by row and field (a mistyped year is not counted in another year); today itself is fine', () => {
    const text = ['date,title,kind,minutes,employee_no', '2026-12-03,교육,집합,120,1001', '2027-04-10,교육,집합,120,1002'].join('\n');
    const { rows, problems } = parseLedger(text, '2026-12-03');
    expect(rows.map((r) => r.employeeNo)).toEqual(['1001']);
    expect(problems).toEqual([{ row: 3, field: 'date', code: 'training.error.future', params: { value: '2027-04-10', today: '2026-12-03' } }]);
    expect(sessionProblems({ day: '2026-12-04', title: '교육', kind: 'online', minutes: '60' }, 0, '2026-12-03').problems.map((p) => p.code)).toEqual(['training.error.future']);
    expect(translator('ko')('training.error.future', { value: '2027-04-10', today: '2026-12-03' })).toBe('date(교육일) "2027-04-10"이 오늘(2026-12-03)보다 뒤입니다. 참석은 교육이 끝난 뒤에 기록합니다.');
  });

  it('GIVEN the words of a 청렴연수원 record WHEN read as a kind THEN they map to the three kinds', () => {
    expect(['집합', '대면', 'Face-to-Face', '온라인', '이러닝', 'e-learning', '사이버', 'webinar'].map(parseKind)).toEqual(['face_to_face', 'face_to_face', 'face_to_face', 'online', 'elearning', 'elearning', 'elearning', undefined]);
  });
});

describe('headsOf', () => {
  const person = (id: number, departmentId: number, roles: PersonRow['roles'], head = false): PersonRow => ({ id, employeeNo: String(id), name: `p${id}`, departmentId, path: '', roles, head, joinedOn: '2026-01-05', promotedOn: null, attended: [] });
  const people = [person(1, 1, ['employee', 'manager']), person(2, 2, ['employee', 'manager']), person(3, 1, ['employee'])];
  it('GIVEN a roster head flag THEN that person; without one THEN the managers of the only root department; with several roots THEN nobody', () => {
    expect(headsOf([...people, person(4, 2, ['employee'], true)], [{ id: 1, parent_id: null }, { id: 2, parent_id: 1 }]).map((p) => p.id)).toEqual([4]);
    expect(headsOf(people, [{ id: 1, parent_id: null }, { id: 2, parent_id: 1 }]).map((p) => p.id)).toEqual([1]);
    expect(headsOf(people, [{ id: 1, parent_id: null }, { id: 2, parent_id: null }])).toEqual([]);
  });
});
