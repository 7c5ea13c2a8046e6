/**
 * Pledges and integrity letters in the console, as a person types them into `npm start` (the real
 * clock: the letter is scheduled for the next working day, so the run does not depend on the hour).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkingDayCalendar } from '../../src/scheduler/calendar.js';
import { addDays, localDay } from '../../src/time.js';
import { query, run, tempDir } from './support.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('npm start: pledges and letters in the console', () => {
  it('an admin opens a campaign, two roster members sign, and the status counts them against the roster by department', async () => {
    const dir = tempDir();
    const file = join(dir, 'p.sqlite');
    const env = { DATABASE_URL: `sqlite:${file}` };
    expect((await run('cli', ['roster', 'import', 'examples/roster.csv'], { env })).code).toBe(0);
    const input = ['/integrity pledge open all-staff', '/as 1001', '/integrity pledge', '1', '/as 1003', '/integrity pledge', '1', '1', '/as local', '/integrity pledge status all-staff', ''].join('\n');
    const result = await run('start', [], { env, input });
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('서약 캠페인 #1');
    expect(out.match(/■ ✅ 전 직원 청렴 실천 서약/g)).toHaveLength(2);
    // The second press of the same card signs nothing more.
    expect(out).toContain('이미 서명하셨습니다');

    const signatures = query<{ employee_no: string; text_hash: string; locale: string; platform: string; version: number }>(
      file,
      'SELECT m.employee_no, s.text_hash, s.locale, s.platform, p.version FROM pledge_signatures s JOIN members m ON m.id = s.member_id JOIN pledges p ON p.id = s.pledge_id ORDER BY m.employee_no',
    );
    expect(signatures.map((s) => s.employee_no)).toEqual(['1001', '1003']);
    const [pledge] = query<{ body: string }>(file, "SELECT body FROM pledges WHERE slug = 'all-staff' AND active = 1");
    const text = (JSON.parse(pledge!.body) as { text: { ko: string } }).text.ko;
    for (const s of signatures) expect(s).toMatchObject({ text_hash: sha256(text), locale: 'ko', platform: 'console', version: 1 });

    // Completion by department against the roster: its 8 people (the console's administrator is not staff).
    expect(out).toContain('서명: 2/8');
    expect(out).toContain('- 행정국/감사과: 1/2 (50%)');
    expect(out).toContain('- 행정국/총무과: 1/2 (50%)');
    expect(out).toContain('- 경제국/투자유치과: 0/2 (0%)');
  }, 60_000);

  it('an employee is refused; a manager’s letter is planned for exactly their department subtree', async () => {
    const dir = tempDir();
    const file = join(dir, 'p.sqlite');
    const env = { DATABASE_URL: `sqlite:${file}` };
    expect((await run('cli', ['roster', 'import', 'examples/roster.csv'], { env })).code).toBe(0);
    // The next working day at 10:00, Seoul time.
    const calendar = new WorkingDayCalendar([]);
    let day = addDays(localDay(new Date(), 'Asia/Seoul'), 1);
    while (!calendar.isWorkingDay(day)) day = addDays(day, 1);
    const input = [
      '/as 1001',
      '/integrity announce',
      // 1007 manages 경제국, which has 경제국/투자유치과 under it.
      '/as 1007',
      '/integrity announce',
      '설 명절 청렴 당부',
      '직원 여러분, 명절 선물은 마음만 받겠습니다.',
      '청탁금지법을 지켜 주십시오.',
      '.',
      '-',
      '예',
      `${day} 10:00`,
      '1',
      '',
    ].join('\n');
    const result = await run('start', [], { env, input });
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('이 명령을 사용할 권한이 없습니다');
    expect(out).toContain('■ 청렴 서한 작성');
    expect(out).toContain('👀 미리보기');
    expect(out).toContain('경제국 (3명)');
    expect(out).toContain(`${day} 10:00 에 3명에게 보내도록 예약했습니다`);

    const planned = query<{ employee_no: string }>(
      file,
      "SELECT m.employee_no FROM deliveries d JOIN job_runs r ON r.id = d.job_run_id JOIN members m ON m.id = d.member_id WHERE r.slot = 'announcement:1' ORDER BY m.employee_no",
    );
    expect(planned.map((p) => p.employee_no)).toEqual(['1005', '1006', '1007']);
    const [letter] = query<{ body: string; status: string; ack_required: number }>(file, 'SELECT body, status, ack_required FROM announcements');
    expect(letter).toEqual({ body: '직원 여러분, 명절 선물은 마음만 받겠습니다.\n청탁금지법을 지켜 주십시오.', status: 'scheduled', ack_required: 1 });
    const audit = query<{ action: string; details: string }>(file, "SELECT action, details FROM audit_log WHERE action = 'announce.send'");
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ audienceSize: 3 });
  }, 60_000);
});
