/**
 * Feature tests run through the real engine: real routes, real repositories, a fresh database, a
 * manual clock, and a test content pack. People act as console identities of roster members.
 */
import { fileURLToPath } from 'node:url';
import { createEngine } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Services } from '../../src/engine/context.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Actor, InboundEvent } from '../../src/engine/events.js';
import type { Reply } from '../../src/engine/reply.js';
import { syncQuestions } from '../../src/features/content/content.repository.js';
import { loadContent } from '../../src/features/content/loader.js';
import { syncPledges } from '../../src/features/pledges/pledges.repository.js';
import { syncPulses } from '../../src/features/pulse/pulse.repository.js';
import { importRoster } from '../../src/features/people/roster.import.js';
import { silentLogger } from '../../src/log.js';
import { WorkingDayCalendar } from '../../src/scheduler/calendar.js';
import { parseSchedules } from '../../src/scheduler/schedules.js';
import { checkAudiences, syncSchedules } from '../../src/scheduler/schedules.repository.js';
import { syncScheduleCampaigns } from '../../src/features/holdout/holdout.schedules.js';
import { ManualClock } from '../../src/time.js';
import { cardButtons, type Button } from '../../src/ui/card.js';
import { openTestDatabase, type DialectName, type TestDatabase } from './databases.js';

export const FIXTURE_PACK = fileURLToPath(new URL('../fixtures/content/basic', import.meta.url));
export const SHIPPED_CONTENT = fileURLToPath(new URL('../../content', import.meta.url));

/** Friday 27 November 2026, 09:30 in Seoul. */
export const FRIDAY_0930_KST = '2026-11-27T00:30:00Z';

export const ROSTER_CSV = [
  'employee_no,name,email,department,roles,locale',
  '1001,김청렴,kim@city.example,행정국/감사과,employee,ko',
  '1002,Lee Integrity,lee@city.example,행정국/감사과,employee,en',
  '2001,박과장,park@city.example,행정국,manager,ko',
  '3001,최담당,choi@city.example,행정국/감사과,hr,ko',
].join('\n');

export interface Harness {
  engine: Engine;
  services: Services;
  clock: ManualClock;
  database: TestDatabase;
  command(employeeNo: string, name: string, ...args: string[]): Promise<Reply>;
  press(employeeNo: string, button: Button): Promise<Reply>;
  /** Submits a form; with `check`, asks only for that field to be validated. */
  submit(employeeNo: string, formId: string, fields: Record<string, string>, check?: string): Promise<Reply>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Schedules as YAML text (a `schedules:` document); none when absent. */
  schedules?: string;
  dialect?: DialectName;
  start?: string;
  contentDirs?: string[];
  env?: Record<string, string>;
  roster?: string | null;
  conversation?: 'dm' | 'channel';
}

export function consoleActor(employeeNo: string): Actor {
  return { platform: 'console', workspace: 'local', userId: employeeNo, displayName: employeeNo };
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = await openTestDatabase(options.dialect ?? 'sqlite');
  const clock = new ManualClock(options.start ?? FRIDAY_0930_KST);
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', ...options.env });
  const loaded = loadContent(options.contentDirs ?? [FIXTURE_PACK]);
  if (loaded.errors.length > 0) throw new Error(`fixture content invalid: ${JSON.stringify(loaded.errors)}`);
  await syncQuestions(database.db, loaded.catalog.quiz, clock.now().toISOString());
  await syncPledges(database.db, loaded.catalog.pledges, clock.now().toISOString());
  await syncPulses(database.db, loaded.catalog.pulses, clock.now().toISOString());
  const services: Services = {
    db: database.db,
    clock,
    config,
    calendar: new WorkingDayCalendar(config.closures),
    content: loaded.catalog,
    log: silentLogger,
  };
  if (options.roster !== null) {
    const result = await importRoster(database.db, options.roster ?? ROSTER_CSV, {
      sync: false,
      skipInvalid: false,
      today: '2026-11-02',
      nowIso: clock.now().toISOString(),
      actorLabel: 'test',
    });
    if (!result.imported) throw new Error(`fixture roster invalid: ${JSON.stringify(result.problems)}`);
  }
  if (options.schedules !== undefined) {
    const parsed = parseSchedules(options.schedules, config.timezone);
    const problems = [...parsed.problems, ...(await checkAudiences(database.db, parsed.schedules))];
    if (problems.length > 0) throw new Error(`fixture schedules invalid: ${JSON.stringify(problems)}`);
    await syncSchedules(database.db, parsed.schedules, clock.now().toISOString());
    const campaignProblems = await syncScheduleCampaigns(database.db, parsed.schedules, loaded.catalog.topics, clock.now().toISOString());
    if (campaignProblems.length > 0) throw new Error(`fixture schedules invalid: ${JSON.stringify(campaignProblems)}`);
  }
  const engine = createEngine(services);
  const base = (employeeNo: string) => ({
    platform: 'console' as const,
    actor: consoleActor(employeeNo),
    conversation: { id: 'c1', kind: options.conversation ?? ('dm' as const) },
  });
  return {
    engine,
    services,
    clock,
    database,
    command: (employeeNo, name, ...args) => engine.dispatch({ ...base(employeeNo), type: 'command', name, args } as InboundEvent),
    press: (employeeNo, button) => engine.dispatch({ ...base(employeeNo), type: 'action', actionId: button.actionId }),
    submit: (employeeNo, formId, fields, check) => engine.dispatch({ ...base(employeeNo), type: 'submit', formId, fields, ...(check !== undefined ? { check } : {}) }),
    close: () => database.destroy(),
  };
}

/** The live buttons of a reply's card. */
export function buttonsOf(reply: Reply): Button[] {
  return reply.kind === 'none' || reply.kind === 'form' ? [] : cardButtons(reply.message.card).filter((b) => !b.disabled);
}

/** All the text a person would read in a reply. */
export function textOf(reply: Reply): string {
  if (reply.kind === 'none') return '';
  if (reply.kind === 'form') return [reply.form.title, ...reply.form.fields.map((f) => `${f.label}: ${f.initial ?? ''}`)].join('\n');
  const card = reply.message.card;
  const parts = [reply.message.text, card?.title ?? ''];
  for (const block of card?.blocks ?? []) {
    if (block.type === 'text' || block.type === 'context') parts.push(block.text);
    if (block.type === 'fields') for (const f of block.fields) parts.push(`${f.label}: ${f.value}`);
    if (block.type === 'buttons') for (const b of block.buttons) parts.push(b.label);
  }
  return parts.join('\n');
}
