/**
 * `npm run cli -- report effect <campaign>` as an HR officer runs it, on a database where a nudge
 * campaign held out 12 of 40 members: treated vs held-out participation with its interval; and a
 * schedules file holding people out of the pledge reminder stops the command with its reason.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { newcombe } from '../../src/features/holdout/effect.js';
import { query, run, tempDir } from './support.js';

describe('npm run cli -- report effect', () => {
  const dir = tempDir();
  const db = join(dir, 'p.sqlite');
  const schedules = join(dir, 'schedules.yaml');
  const env = { DATABASE_URL: `sqlite:${db}`, PROBITY_TIMEZONE: 'Asia/Seoul', PROBITY_SCHEDULES_FILE: schedules };

  beforeAll(async () => {
    writeFileSync(schedules, 'schedules:\n  - name: weekly-nudge\n    kind: nudge\n    cron: "0 14 * * 3"\n    holdout: 0.3\n    outcome: participation\n    weeks: 4\n    start: 2026-03-02\n');
    expect((await run('cli', ['migrate'], { env })).code).toBe(0);
    const sqlite = new SqliteDatabase(db);
    const now = '2026-03-01T00:00:00.000Z';
    sqlite.prepare("INSERT INTO departments (id, name, parent_id, path, created_at) VALUES (1, '감사과', NULL, '감사과', ?)").run(now);
    sqlite.prepare("INSERT INTO questions (id, pack, slug, version, topic, kind, difficulty, choice_count, answer_index, content_hash, body, active, created_at) VALUES (1, 'core', 'q', 1, 'graft-act', 'ox', 1, 2, 0, 'h', '{}', 1, ?)").run(now);
    sqlite.prepare("INSERT INTO campaigns (id, key, source, holdout, outcome, topic, weeks, start_day, active, created_at) VALUES (1, 'schedule:weekly-nudge', 'schedule', 0.3, 'participation', NULL, 4, '2026-03-02', 1, ?)").run(now);
    const member = sqlite.prepare("INSERT INTO members (employee_no, name, email, department_id, roles, locale, preferred_locale, source, joined_on, left_on, created_at, updated_at) VALUES (?, ?, NULL, 1, 'employee', 'ko', NULL, 'roster', '2026-01-05', NULL, ?, ?)");
    const assign = sqlite.prepare('INSERT INTO holdout_assignments (campaign_id, member_id, department_id, held_out, assigned_at) VALUES (1, ?, 1, ?, ?)');
    const answer = sqlite.prepare("INSERT INTO quiz_answers (member_id, question_id, quiz_day, choice_index, correct, platform, answered_at) VALUES (?, 1, ?, 0, 1, 'console', ?)");
    for (let i = 0; i < 40; i++) {
      const id = Number(member.run(String(1000 + i), `직원${i}`, now, now).lastInsertRowid);
      const heldOut = i < 12;
      assign.run(id, heldOut ? 1 : 0, now);
      // 21 of 28 treated and 5 of 12 held-out answer in the window; everyone answered before it.
      if (heldOut ? i < 5 : i < 33) answer.run(id, '2026-03-10', now);
      answer.run(id, '2026-02-27', now);
    }
    sqlite.close();
  });

  it('prints both rates, the difference with its 95% interval and both group sizes', async () => {
    const result = await run('cli', ['report', 'effect', 'weekly-nudge'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const d = newcombe(21, 28, 5, 12);
    const p = (x: number) => Math.abs(Math.round(x * 1000) / 10).toFixed(1);
    expect(result.stdout).toContain('효과 보고서: weekly-nudge');
    expect(result.stdout).toContain('대상군: 75.0% (21/28명, 배정 28명)');
    expect(result.stdout).toContain('비교군: 41.7% (5/12명, 배정 12명)');
    expect(result.stdout).toContain(`+${p(d.estimate)}%p (95% 신뢰구간 ${d.lower < 0 ? '−' : '+'}${p(d.lower)} ~ +${p(d.upper)}%p)`);
    expect(result.stdout).toContain('Newcombe');
  });

  it('names the campaigns there are when the name is wrong, and refuses a holdout on the pledge reminder', async () => {
    const unknown = await run('cli', ['report', 'effect', 'nope'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('"nope" 효과 측정 캠페인이 없습니다. 캠페인: weekly-nudge');
    writeFileSync(schedules, 'schedules:\n  - name: pledge-reminder\n    kind: pledge_reminder\n    cron: "0 10 * * 2,4"\n    holdout: 0.1\n    outcome: pledge_signing\n');
    const refused = await run('cli', ['report', 'effect', 'weekly-nudge'], { env });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('pledge-reminder: 신규 임용자 청렴 서약은 법정 의무');
  });

  it('refuses a new campaign on an unknown topic before its schedule is saved, so a running Probity does not send it to everyone', async () => {
    writeFileSync(schedules, 'schedules:\n  - name: weekly-nudge\n    kind: nudge\n    cron: "0 14 * * 3"\n    holdout: 0.3\n    outcome: participation\n    weeks: 4\n    start: 2026-03-02\n  - name: gift-nudges\n    kind: nudge\n    cron: "0 14 * * 4"\n    holdout: 0.1\n    outcome: topic_accuracy\n    topic: bribes\n');
    const refused = await run('cli', ['report', 'effect', 'weekly-nudge'], { env });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('gift-nudges: 퀴즈 주제 `topic` "bribes"');
    expect(query<{ name: string }>(db, "SELECT name FROM schedules WHERE name = 'gift-nudges'")).toEqual([]);
  });
});
