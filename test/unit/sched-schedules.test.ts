import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  formatDelivery,
  parseDelivery,
  parseSchedules,
  readSchedulesFile,
  ScheduleError,
  type DeliveryTarget,
  type ScheduleProblem,
} from '../../src/scheduler/schedules.js';

const DEFAULT_TZ = 'Asia/Seoul';

type Entry = Record<string, unknown>;
const quiz = (overrides: Entry = {}): Entry => ({ name: 'daily-quiz', kind: 'quiz', cron: '0 9 * * 1-5', ...overrides });
const parse = (...entries: Entry[]) => parseSchedules(stringify({ schedules: entries }), DEFAULT_TZ);

/** The single problem reported for a file with one schedule. */
function onlyProblem(entry: Entry): ScheduleProblem {
  const { schedules, problems } = parse(entry);
  expect(schedules).toEqual([]);
  expect(problems).toHaveLength(1);
  return problems[0]!;
}

describe('parseSchedules: a valid file', () => {
  it('GIVEN a schedule with only name, kind and cron THEN the defaults apply', () => {
    const { schedules, problems } = parse(quiz());
    expect(problems).toEqual([]);
    expect(schedules).toEqual([
      {
        name: 'daily-quiz',
        kind: 'quiz',
        cron: '0 9 * * 1-5',
        timezone: DEFAULT_TZ,
        audience: { all: true },
        delivery: { kind: 'dm' },
        workingDaysOnly: true,
        enabled: true,
      },
    ]);
  });

  it('GIVEN a different default time zone THEN a schedule without one takes it', () => {
    expect(parseSchedules(stringify({ schedules: [quiz()] }), 'Europe/Berlin').schedules[0]?.timezone).toBe('Europe/Berlin');
  });

  it('GIVEN every field set THEN each is read as written', () => {
    const { schedules, problems } = parse(
      quiz({
        name: 'leaders-digest',
        kind: 'digest',
        cron: '0 17 * * 5',
        timezone: 'UTC',
        audience: { departments: [' 감사실 ', 'HR'], roles: ['manager'] },
        delivery: 'channel:slack:C0123',
        workingDaysOnly: false,
        enabled: false,
      }),
    );
    expect(problems).toEqual([]);
    expect(schedules).toEqual([
      {
        name: 'leaders-digest',
        kind: 'digest',
        cron: '0 17 * * 5',
        timezone: 'UTC',
        audience: { all: false, departments: ['감사실', 'HR'], roles: ['manager'] },
        delivery: { kind: 'channel', platform: 'slack', channelId: 'C0123' },
        workingDaysOnly: false,
        enabled: false,
      },
    ]);
  });

  it('GIVEN audience "all" or empty lists THEN the audience is everyone', () => {
    const { schedules } = parse(quiz({ name: 'a', audience: 'all' }), quiz({ name: 'b', audience: { departments: [], roles: [] } }));
    expect(schedules.map((s) => s.audience)).toEqual([{ all: true }, { all: true }]);
  });

  it('GIVEN each schedule kind THEN all eight are accepted', () => {
    const kinds = ['quiz', 'nudge', 'pledge_reminder', 'pulse_reminder', 'training_reminder', 'plan_checkin', 'announcement', 'digest'];
    const { schedules, problems } = parse(...kinds.map((kind) => quiz({ name: kind.replace('_', '-'), kind })));
    expect(problems).toEqual([]);
    expect(schedules.map((s) => s.kind)).toEqual(kinds);
  });

  it('GIVEN a byte-order mark at the start THEN the file still parses', () => {
    expect(parseSchedules('\uFEFF' + stringify({ schedules: [quiz()] }), DEFAULT_TZ).problems).toEqual([]);
  });
});

describe('parseSchedules: each problem names the schedule and its code', () => {
  it('GIVEN a bad cron THEN schedule.error.cron with the value', () => {
    expect(onlyProblem(quiz({ cron: '61 * * * *' }))).toEqual({ schedule: 'daily-quiz', code: 'schedule.error.cron', params: { value: '61 * * * *' } });
  });

  it('GIVEN no cron THEN schedule.error.cron', () => {
    expect(onlyProblem({ name: 'daily-quiz', kind: 'quiz' }).code).toBe('schedule.error.cron');
  });

  it('GIVEN an unknown time zone THEN schedule.error.timezone with the value', () => {
    expect(onlyProblem(quiz({ timezone: 'Asia/Pyongyang-Central' }))).toEqual({
      schedule: 'daily-quiz',
      code: 'schedule.error.timezone',
      params: { value: 'Asia/Pyongyang-Central' },
    });
  });

  it('GIVEN an unknown kind THEN schedule.error.kind listing the allowed kinds', () => {
    const problem = onlyProblem(quiz({ kind: 'poll' }));
    expect(problem.schedule).toBe('daily-quiz');
    expect(problem.code).toBe('schedule.error.kind');
    expect(String(problem.params?.['allowed']).split(', ')).toEqual(['quiz', 'nudge', 'pledge_reminder', 'pulse_reminder', 'training_reminder', 'plan_checkin', 'announcement', 'digest']);
  });

  it('GIVEN an unknown role in the audience THEN schedule.error.role naming it', () => {
    expect(onlyProblem(quiz({ audience: { roles: ['manager', 'boss'] } }))).toEqual({
      schedule: 'daily-quiz',
      code: 'schedule.error.role',
      params: { value: 'boss', allowed: 'employee, manager, hr, admin' },
    });
  });

  it.each([
    ['a string other than all', 'everyone'],
    ['a list', ['HR']],
    ['an unknown key', { teams: ['HR'] }],
    ['departments not a list', { departments: 'HR' }],
    ['a department that is not text', { departments: [42] }],
    ['roles not a list', { roles: 'manager' }],
  ])('GIVEN an audience that is %s THEN schedule.error.audience', (_what, audience) => {
    expect(onlyProblem(quiz({ audience }))).toEqual({ schedule: 'daily-quiz', code: 'schedule.error.audience' });
  });

  it.each(['email', 'channel:', 'channel:teams:C0123', 'slack:C0123'])('GIVEN delivery %j THEN schedule.error.delivery with the value', (delivery) => {
    expect(onlyProblem(quiz({ delivery }))).toEqual({ schedule: 'daily-quiz', code: 'schedule.error.delivery', params: { value: delivery } });
  });

  it('GIVEN two schedules with the same name THEN the second is schedule.error.duplicate and the first is kept', () => {
    const { schedules, problems } = parse(quiz(), quiz({ kind: 'nudge' }));
    expect(problems).toEqual([{ schedule: 'daily-quiz', code: 'schedule.error.duplicate' }]);
    expect(schedules.map((s) => s.kind)).toEqual(['quiz']);
  });

  it.each(['Daily Quiz', 'daily_quiz', '-quiz', 'a'.repeat(49)])('GIVEN the name %j THEN schedule.error.name', (name) => {
    expect(onlyProblem(quiz({ name }))).toEqual({ schedule: name, code: 'schedule.error.name' });
  });

  it('GIVEN a name of 48 characters THEN it is accepted', () => {
    expect(parse(quiz({ name: 'a'.repeat(48) })).problems).toEqual([]);
  });

  it('GIVEN a schedule without a name THEN it is named by its position', () => {
    const { problems } = parse(quiz({ name: 'first' }), { kind: 'quiz', cron: '0 9 * * 1-5' });
    expect(problems).toEqual([{ schedule: '#2', code: 'schedule.error.name' }]);
  });

  it.each([
    ['workingDaysOnly', 'yes'],
    ['enabled', 'no'],
    ['enabled', 1],
  ])('GIVEN %s: %j THEN schedule.error.flag naming the field', (field, value) => {
    expect(onlyProblem(quiz({ [field]: value }))).toEqual({ schedule: 'daily-quiz', code: 'schedule.error.flag', params: { field } });
  });

  it('GIVEN a YAML syntax error THEN one schedule.error.yaml with its line and no schedules', () => {
    const { schedules, problems } = parseSchedules('schedules:\n  - name: daily-quiz\n    cron: [0 9 * * 1-5\n', DEFAULT_TZ);
    expect(schedules).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.code).toBe('schedule.error.yaml');
    expect(problems[0]?.params?.['line']).toBeGreaterThan(0);
  });

  it('GIVEN a duplicate key in one schedule THEN it is a YAML error', () => {
    const { problems } = parseSchedules('schedules:\n  - name: a\n    name: b\n    kind: quiz\n    cron: "0 9 * * 1-5"\n', DEFAULT_TZ);
    expect(problems.map((p) => p.code)).toEqual(['schedule.error.yaml']);
  });

  it.each([
    ['an empty file', ''],
    ['no schedules key', 'jobs:\n  - name: a\n'],
    ['schedules not a list', 'schedules:\n  name: a\n'],
  ])('GIVEN %s THEN schedule.error.not_a_list', (_what, source) => {
    expect(parseSchedules(source, DEFAULT_TZ)).toEqual({ schedules: [], problems: [{ schedule: '-', code: 'schedule.error.not_a_list' }] });
  });

  it('GIVEN several problems in several schedules THEN all are reported at once and the good schedule is still read', () => {
    const { schedules, problems } = parse(
      quiz({ name: 'bad-one', cron: 'every day', timezone: 'Mars/Olympus' }),
      quiz({ name: 'good' }),
      quiz({ name: 'bad-two', kind: 'poll', delivery: 'email', enabled: 'yes' }),
    );
    expect(schedules.map((s) => s.name)).toEqual(['good']);
    expect(problems.map((p) => [p.schedule, p.code])).toEqual([
      ['bad-one', 'schedule.error.cron'],
      ['bad-one', 'schedule.error.timezone'],
      ['bad-two', 'schedule.error.kind'],
      ['bad-two', 'schedule.error.delivery'],
      ['bad-two', 'schedule.error.flag'],
    ]);
  });
});

describe('ScheduleError and readSchedulesFile', () => {
  it('GIVEN problems THEN the message counts them and gives one line per schedule', () => {
    const { problems } = parse(quiz({ name: 'bad-one', cron: 'every day' }), quiz({ name: 'bad-two', kind: 'poll' }));
    const error = new ScheduleError(problems, 'en');
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('The schedules have 2 error(s):');
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^ {2}bad-one: .*"every day"/), expect.stringMatching(/^ {2}bad-two: kind must be one of/)]);
  });

  it('GIVEN a path that does not exist THEN schedule.error.file_missing naming the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'probity-sched-'));
    try {
      const path = join(dir, 'missing.yaml');
      expect(readSchedulesFile(path, DEFAULT_TZ)).toEqual({ schedules: [], problems: [{ schedule: path, code: 'schedule.error.file_missing' }] });
      writeFileSync(path, stringify({ schedules: [quiz()] }));
      expect(readSchedulesFile(path, DEFAULT_TZ).schedules.map((s) => s.name)).toEqual(['daily-quiz']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseDelivery and formatDelivery', () => {
  it('GIVEN "channel:slack:C0123" THEN a Slack channel', () => {
    expect(parseDelivery('channel:slack:C0123')).toEqual({ kind: 'channel', platform: 'slack', channelId: 'C0123' });
  });

  it('GIVEN "channel:C0123" THEN a channel on no particular platform', () => {
    expect(parseDelivery('channel:C0123')).toEqual({ kind: 'channel', platform: null, channelId: 'C0123' });
  });

  it('GIVEN "dm" or nothing THEN a direct message', () => {
    expect(parseDelivery('dm')).toEqual({ kind: 'dm' });
    expect(parseDelivery(undefined)).toEqual({ kind: 'dm' });
  });

  it.each([['email'], [42], [null], ['channel:teams:C0123'], ['channel:C 0123'], ['channel:' + 'x'.repeat(65)]])('GIVEN %j THEN it is not a delivery target', (raw) => {
    expect(parseDelivery(raw)).toBeUndefined();
  });

  it.each<[string, DeliveryTarget]>([
    ['dm', { kind: 'dm' }],
    ['channel:slack:C0123', { kind: 'channel', platform: 'slack', channelId: 'C0123' }],
    ['channel:discord:1234567890', { kind: 'channel', platform: 'discord', channelId: '1234567890' }],
    ['channel:console:general', { kind: 'channel', platform: 'console', channelId: 'general' }],
    ['channel:C0123', { kind: 'channel', platform: null, channelId: 'C0123' }],
  ])('GIVEN %s THEN formatDelivery gives back the same text and parseDelivery the same target', (text, target) => {
    expect(formatDelivery(target)).toBe(text);
    expect(parseDelivery(formatDelivery(target))).toEqual(target);
    expect(formatDelivery(parseDelivery(text)!)).toBe(text);
  });
});
