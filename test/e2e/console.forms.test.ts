/**
 * Forms in the console (issue 11): each field is checked as it is entered, a mistake is shown and the
 * same field asked again, and what was typed before it is kept through to the preview.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../adapters/console/console.js';
import { createHarness, SHIPPED_CONTENT, type Harness } from '../support/harness.js';

const ROSTER = [
  'employee_no,name,email,department,roles,locale',
  '1003,박공정,c@city.example,행정국/총무과,employee,ko',
  '1004,최정직,d@city.example,행정국/총무과,manager,ko',
  '1005,Jordan Lee,e@city.example,경제국/투자유치과,employee,en',
].join('\n');
/** A Friday evening: "now" is after working hours. */
const FRIDAY_EVENING = new Date('2026-11-27T20:00:00+09:00').toISOString();
/** Far beyond the body's limit, as a pasted document would be. */
const PASTED_BODY_LENGTH = 50_000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function consoleAs(employeeNo: string) {
  h = await createHarness({ roster: ROSTER, contentDirs: [SHIPPED_CONTENT], start: FRIDAY_EVENING });
  const output = new PassThrough();
  let printed = '';
  output.setEncoding('utf8').on('data', (d: string) => (printed += d));
  const adapter = new ConsoleAdapter(h.engine, { input: new PassThrough(), output, locale: 'ko', interactive: false, as: employeeNo });
  const type = async (...lines: string[]) => {
    for (const line of lines) await adapter.handleLine(line);
  };
  return { type, printed: () => printed };
}

const drafts = () => h!.services.db.selectFrom('announcements').select(['title', 'body', 'audience', 'send_at', 'status']).execute();

describe('console adapter: the letter form', () => {
  it('GIVEN a body too long, an audience out of scope and after-hours times THEN each is refused as it is entered and asked again, the draft kept', async () => {
    const { type, printed } = await consoleAs('1004');
    await type('/integrity announce', '연말 당부', '가'.repeat(PASTED_BODY_LENGTH), '.');
    expect(printed()).toContain(`⚠️ 본문이 너무 깁니다: ${PASTED_BODY_LENGTH}자 (최대 2800자).\n본문 (여러 줄: 마지막에 "." 만 있는 줄):`);
    await type('청렴한 연말을', '부탁드립니다.', '.', '경제국');
    expect(printed()).toContain('⚠️ 소속 부서(행정국/총무과)와 그 하위 부서에만 보낼 수 있습니다.\n받는 사람 (all 또는 부서 경로) [행정국/총무과]:');
    await type('-', '예', '-');
    expect(printed()).toContain('⚠️ 지금은 근무시간(09:00~18:00)이 아닙니다.');
    await type('2026-11-30 22:00');
    expect(printed()).toContain('⚠️ 근무일 근무시간(09:00~18:00)에만 보낼 수 있습니다: 2026-11-30 22:00\n보낼 때');
    // Nothing was stored while the form was being corrected.
    expect(await drafts()).toEqual([]);
    await type('2026-11-30 10:00');
    const out = printed();
    expect(out).toContain('👀 미리보기');
    expect(out).toContain('■ 📢 연말 당부');
    expect(out).toContain('청렴한 연말을\n부탁드립니다.');
    expect(out).toContain('받는 사람: 행정국/총무과 (2명)');
    expect(out).toContain('보내는 때: 2026-11-30 10:00');
    expect(await drafts()).toEqual([{ title: '연말 당부', body: '청렴한 연말을\n부탁드립니다.', audience: JSON.stringify({ departments: ['행정국/총무과'] }), send_at: new Date('2026-11-30T10:00:00+09:00').toISOString(), status: 'draft' }]);
  });

  it('GIVEN a mistake found only at the end (the author moved meanwhile) THEN that field is asked again and the others are kept', async () => {
    const { type, printed } = await consoleAs('1004');
    await type('/integrity announce', '연말 당부', '본문', '.', '-', '예');
    // Between the audience prompt and the last one, the author moves to 경제국: 총무과 is out of scope.
    const economy = await h!.services.db.selectFrom('departments').select('id').where('path', '=', '경제국').executeTakeFirstOrThrow();
    await h!.services.db.updateTable('members').set({ department_id: economy.id }).where('employee_no', '=', '1004').execute();
    await type('2026-11-30 10:00');
    expect(printed()).toContain('⚠️ 소속 부서(경제국)와 그 하위 부서에만 보낼 수 있습니다.\n받는 사람 (all 또는 부서 경로) [행정국/총무과]:');
    expect(await drafts()).toEqual([]);
    // Only the audience is asked again: the title, body, acknowledgement and time are kept.
    await type('경제국/투자유치과');
    expect(printed()).toContain('받는 사람: 경제국/투자유치과 (1명)');
    expect(printed()).toContain('보내는 때: 2026-11-30 10:00');
    expect(await drafts()).toMatchObject([{ title: '연말 당부', body: '본문', audience: JSON.stringify({ departments: ['경제국/투자유치과'] }) }]);
  });
});
