/**
 * The organisation the dashboard is looked at on: the statistics benchmark's seed at a small size
 * (60 departments on three levels, four teams too small to show, joiners, leavers, movers, two
 * pledges and monthly leadership messages), its working days ending yesterday so that this month,
 * last month and this quarter all have figures. Written into a fresh SQLite file or PostgreSQL
 * database, then the people the test acts as are picked from it.
 */
import { join } from 'node:path';
import { sql } from 'kysely';
import { seedDatabase } from '../../bench/seed.js';
import { createDb, type Db } from '../../src/db/createDb.js';
import { seededRandom } from '../../src/features/quiz/quiz.js';
import { textHash } from '../../src/features/pledges/pledges.repository.js';
import { addDays } from '../../src/time.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Day } from '../../src/time.js';
import { createPostgresDatabase, type DialectName } from '../support/databases.js';
import { firstSeedDay } from './support.js';

export const STAFF = 800;
export const WORKING_DAYS = 60;

export interface Person {
  id: number;
  employeeNo: string;
  departmentId: number;
  departmentPath: string;
}

export interface Organisation {
  /** DATABASE_URL for `npm start`. */
  databaseUrl: string;
  /** A connection of the test's own, to read what the dashboard should show and to age links. */
  db: Db;
  today: Day;
  hr: Person;
  /** The head of a division (과): their subtree is the division and its two teams. */
  manager: Person;
  employee: Person;
  /** A bureau the manager's division is not in. */
  otherBureau: { id: number; path: string };
  destroy(): Promise<void>;
}

export async function seedOrganisation(dialect: DialectName, dir: string): Promise<Organisation> {
  const { firstDay, today } = firstSeedDay(WORKING_DAYS);
  let databaseUrl: string;
  let db: Db;
  let drop: () => Promise<void> = async () => undefined;
  if (dialect === 'sqlite') {
    const path = join(dir, 'dashboard.sqlite');
    databaseUrl = `sqlite:${path}`;
    db = createDb({ dialect: 'sqlite', path });
  } else {
    const database = await createPostgresDatabase();
    databaseUrl = database.url;
    db = createDb({ dialect: 'postgres', url: database.url });
    drop = database.drop;
  }
  await migrateToLatest(db);
  await seedDatabase(db, { members: STAFF, days: WORKING_DAYS, seed: 'dashboard', firstDay, deliveries: true });
  // The benchmark's seed has one topic code the shipped pack calls a law, not a topic: give its questions a topic
  // the pack names (before anything is folded into the aggregates), so every column of the heat map has its name.
  await db.updateTable('questions').set({ topic: 'graft-act' }).where('topic', '=', 'civil-act').execute();

  const person = async (where: (q: ReturnType<typeof people>) => ReturnType<typeof people>): Promise<Person> => {
    const row = await where(people()).orderBy('m.id').executeTakeFirstOrThrow();
    return { id: row.id, employeeNo: row.employee_no!, departmentId: row.department_id!, departmentPath: row.path };
  };
  const people = () =>
    db
      .selectFrom('members as m')
      .innerJoin('departments as d', 'd.id', 'm.department_id')
      .select(['m.id', 'm.employee_no', 'm.department_id', 'd.path'])
      .where('m.left_on', 'is', null)
      .where('m.joined_on', '<', firstDay);
  const hr = await person((q) => q.where('m.roles', 'like', '%hr%'));
  const manager = await person((q) => q.where('m.roles', 'like', '%manager%').where(sql<boolean>`d.parent_id is not null and d.path not like ${'%/%/%'}`));
  const employee = await person((q) => q.where('m.roles', '=', 'employee'));
  const bureau = manager.departmentPath.split('/')[0]!;
  const otherBureau = await db.selectFrom('departments').select(['id', 'path']).where('parent_id', 'is', null).where('path', '!=', bureau).orderBy('id').executeTakeFirstOrThrow();
  return {
    databaseUrl,
    db,
    today,
    hr,
    manager,
    employee,
    otherBureau,
    async destroy() {
      await db.destroy();
      await drop();
    },
  };
}

/**
 * Signatures of the shipped pledges (core/all-staff by most staff, core/leadership by most managers)
 * spread over the last weeks, as people sign them in chat: written once `npm start` has synced the
 * content, so the pages show completion by department rather than nobody.
 */
export async function signShippedPledges(db: Db, today: Day): Promise<number> {
  const random = seededRandom('dashboard-pledges');
  const pledges = await db.selectFrom('pledges').select(['id', 'slug', 'body']).where('pack', '=', 'core').where('active', '=', 1).execute();
  const members = await db.selectFrom('members').select(['id', 'roles']).where('left_on', 'is', null).where('source', '=', 'roster').orderBy('id').execute();
  const keenness = (id: number) => 0.55 + ((id * 7919) % 40) / 100;
  let signed = 0;
  for (const pledge of pledges) {
    const leaders = pledge.slug === 'leadership';
    const text = (JSON.parse(pledge.body) as { text: { ko: string } }).text.ko;
    const rows = members
      .filter((m) => !leaders || m.roles.includes('manager'))
      .filter((m) => random() < keenness(m.id))
      .map((m) => {
        const day = addDays(today, -1 - Math.floor(random() * 30));
        return { member_id: m.id, pledge_id: pledge.id, campaign_id: null, signed_at: `${day}T01:00:00.000Z`, day, platform: 'slack', platform_user_id: `U${m.id}`, locale: 'ko', text_hash: textHash(text) };
      });
    for (let i = 0; i < rows.length; i += 500) await db.insertInto('pledge_signatures').values(rows.slice(i, i + 500)).execute();
    signed += rows.length;
  }
  return signed;
}
