/**
 * The web dashboard over real HTTP: a harness (real engine, fresh database, manual clock) with the
 * dashboard mounted on a listener of its own on a free port, and sign-in through the real link.
 */
import { HttpListener } from '../../src/ops/http.js';
import { mountDashboard } from '../../src/features/dashboard/web/server.js';
import { silentLogger } from '../../src/log.js';
import type { DialectName } from '../support/databases.js';
import { createHarness, SHIPPED_CONTENT, textOf, type Harness } from '../support/harness.js';

const HEADER = 'employee_no,name,email,department,roles,locale';

/**
 * 행정국 (manager 2001) with 감사과 6 (incl. hr 3001 and employee 1001) and 총무과 2 (a small group);
 * 복지국 (manager 4001) with 5 more. The minimum group size is 5.
 */
export function dashboardRoster(): string {
  const rows = [HEADER, '2001,박국장,park@city.example,행정국,manager,ko', '3001,최담당,choi@city.example,행정국/감사과,hr,ko', '1001,김직원,kim@city.example,행정국/감사과,employee,ko'];
  for (let i = 1; i <= 4; i++) rows.push(`110${i},감사${i},a${i}@city.example,행정국/감사과,employee,ko`);
  for (let i = 1; i <= 2; i++) rows.push(`120${i},총무${i},g${i}@city.example,행정국/총무과,employee,ko`);
  rows.push('4001,Welfare Head,head@city.example,복지국,manager,en');
  for (let i = 1; i <= 4; i++) rows.push(`410${i},복지${i},w${i}@city.example,복지국,employee,ko`);
  return rows.join('\n');
}

export interface Web {
  h: Harness;
  base: string;
  /** The link /integrity dashboard gave, pointed at this listener. */
  link(employeeNo: string): Promise<string>;
  /** Signs in through a fresh link; the session cookie ("probity_session=…"). */
  signIn(employeeNo: string): Promise<string>;
  get(path: string, cookie?: string): Promise<Response>;
  close(): Promise<void>;
}

export const LINK = /https?:\/\/[^\s]+\/dashboard\/signin\?token=([A-Za-z0-9_-]+)/;

export async function openWeb(dialect: DialectName, options: { publicUrl?: string; roster?: string } = {}): Promise<Web> {
  const h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT], roster: options.roster ?? dashboardRoster(), env: { PROBITY_PUBLIC_URL: options.publicUrl ?? 'http://dashboard.test' } });
  const listener = new HttpListener(silentLogger);
  mountDashboard(listener, h.services);
  const port = await listener.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  const link = async (employeeNo: string) => {
    const reply = await h.command(employeeNo, 'dashboard');
    const match = LINK.exec(textOf(reply));
    if (!match) throw new Error(`no link in the reply: ${textOf(reply)}`);
    return `${base}/dashboard/signin?token=${match[1]}`;
  };
  const get = (path: string, cookie?: string) => fetch(`${base}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return {
    h,
    base,
    link,
    get,
    async signIn(employeeNo) {
      const response = await fetch(await link(employeeNo), { redirect: 'manual' });
      if (response.status !== 303) throw new Error(`sign-in refused: ${response.status}`);
      return response.headers.get('set-cookie')!.split(';')[0]!;
    },
    async close() {
      await listener.close();
      await h.close();
    },
  };
}

/** The data-page of an HTML page. */
export const pageOf = (body: string) => /<main data-page="([^"]+)"/.exec(body)?.[1];
