/**
 * Schedule definitions: read from a YAML file, validated (cron, time zone, audience, delivery), and
 * synced to the schedules table at start. A bad schedule stops start-up with its name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { isRole, ROLES, type Role } from '../engine/roles.js';
import { t, type Locale, type MessageKey, type Params } from '../i18n/index.js';
import type { ScheduleKind } from '../db/schema.js';
import { isTimeZone } from '../time.js';
import { isValidCron } from './cron.js';
import type { CampaignSpec } from '../features/holdout/holdout.js';
import { readScheduleHoldout } from '../features/holdout/holdout.schedules.js';

export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['quiz', 'nudge', 'pledge_reminder', 'pulse_reminder', 'training_reminder', 'plan_checkin', 'announcement', 'digest'];
const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/;
const CHANNEL_PATTERN = /^channel:(?:(slack|discord|naverworks|console):)?([A-Za-z0-9_-]{1,64})$/;

export type Audience = { all: true } | { all: false; departments: string[]; roles: Role[] };

export type DeliveryTarget = { kind: 'dm' } | { kind: 'channel'; platform: string | null; channelId: string };

export interface ScheduleDefinition {
  name: string;
  kind: ScheduleKind;
  cron: string;
  timezone: string;
  audience: Audience;
  delivery: DeliveryTarget;
  workingDaysOnly: boolean;
  enabled: boolean;
  /** A held-out fraction and its pre-declared outcome (src/features/holdout). */
  holdout?: CampaignSpec;
}

export interface ScheduleProblem {
  schedule: string;
  code: MessageKey;
  params?: Params;
}

export class ScheduleError extends Error {
  constructor(
    readonly problems: readonly ScheduleProblem[],
    locale: Locale,
  ) {
    super(
      [t(locale, 'schedule.error.header', { count: problems.length })]
        .concat(problems.map((p) => `  ${p.schedule}: ${t(locale, p.code, p.params)}`))
        .join('\n'),
    );
    this.name = 'ScheduleError';
  }
}

export function formatDelivery(target: DeliveryTarget): string {
  return target.kind === 'dm' ? 'dm' : `channel:${target.platform ? `${target.platform}:` : ''}${target.channelId}`;
}

export function parseDelivery(raw: unknown): DeliveryTarget | undefined {
  if (raw === undefined || raw === 'dm') return { kind: 'dm' };
  if (typeof raw !== 'string') return undefined;
  const match = CHANNEL_PATTERN.exec(raw);
  return match ? { kind: 'channel', platform: match[1] ?? null, channelId: match[2]! } : undefined;
}


function parseAudience(raw: unknown, name: string, problems: ScheduleProblem[]): Audience | undefined {
  if (raw === undefined || raw === 'all') return { all: true };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ schedule: name, code: 'schedule.error.audience' });
    return undefined;
  }
  const value = raw as Record<string, unknown>;
  const departments = value['departments'] ?? [];
  const roles = value['roles'] ?? [];
  const unknownKeys = Object.keys(value).filter((k) => k !== 'departments' && k !== 'roles');
  if (!Array.isArray(departments) || !Array.isArray(roles) || unknownKeys.length > 0 || !departments.every((d) => typeof d === 'string')) {
    problems.push({ schedule: name, code: 'schedule.error.audience' });
    return undefined;
  }
  const badRoles = roles.filter((r) => typeof r !== 'string' || !isRole(r));
  if (badRoles.length > 0) {
    problems.push({ schedule: name, code: 'schedule.error.role', params: { value: badRoles.join(', '), allowed: ROLES.join(', ') } });
    return undefined;
  }
  if (departments.length === 0 && roles.length === 0) return { all: true };
  return { all: false, departments: departments.map((d) => d.trim()), roles: roles as Role[] };
}

/** Parses and validates the schedules file; departments are checked against the roster separately. */
export function parseSchedules(source: string, defaultTimezone: string): { schedules: ScheduleDefinition[]; problems: ScheduleProblem[] } {
  const problems: ScheduleProblem[] = [];
  const doc = parseDocument(source.replace(/^\uFEFF/, ''), { uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { schedules: [], problems: [{ schedule: '-', code: 'schedule.error.yaml', params: { line: doc.errors[0]!.linePos?.[0]?.line ?? 0 } }] };
  }
  const raw = doc.toJS() as { schedules?: unknown } | null;
  const list = raw?.schedules;
  if (!Array.isArray(list)) return { schedules: [], problems: [{ schedule: '-', code: 'schedule.error.not_a_list' }] };

  const schedules: ScheduleDefinition[] = [];
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    const item = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const name = typeof item['name'] === 'string' ? item['name'] : `#${index + 1}`;
    const before = problems.length;
    if (!NAME_PATTERN.test(name)) problems.push({ schedule: name, code: 'schedule.error.name' });
    else if (seen.has(name)) problems.push({ schedule: name, code: 'schedule.error.duplicate' });
    seen.add(name);
    const kind = item['kind'];
    if (!SCHEDULE_KINDS.includes(kind as ScheduleKind)) problems.push({ schedule: name, code: 'schedule.error.kind', params: { allowed: SCHEDULE_KINDS.join(', ') } });
    const cron = item['cron'];
    if (typeof cron !== 'string' || !isValidCron(cron)) problems.push({ schedule: name, code: 'schedule.error.cron', params: { value: String(cron ?? '') } });
    const timezone = item['timezone'] ?? defaultTimezone;
    if (typeof timezone !== 'string' || !isTimeZone(timezone)) problems.push({ schedule: name, code: 'schedule.error.timezone', params: { value: String(timezone) } });
    const audience = parseAudience(item['audience'], name, problems);
    const delivery = parseDelivery(item['delivery']);
    if (!delivery) problems.push({ schedule: name, code: 'schedule.error.delivery', params: { value: String(item['delivery']) } });
    for (const flag of ['workingDaysOnly', 'enabled'] as const) {
      if (item[flag] !== undefined && typeof item[flag] !== 'boolean') problems.push({ schedule: name, code: 'schedule.error.flag', params: { field: flag } });
    }
    const holdout = readScheduleHoldout(item, name, kind, delivery, problems);
    if (problems.length > before || !audience || !delivery) return;
    schedules.push({
      name,
      kind: kind as ScheduleKind,
      cron: cron as string,
      timezone: timezone as string,
      audience,
      delivery,
      workingDaysOnly: item['workingDaysOnly'] !== false,
      enabled: item['enabled'] !== false,
      ...(holdout ? { holdout } : {}),
    });
  });
  return { schedules, problems };
}

export function readSchedulesFile(path: string, defaultTimezone: string): { schedules: ScheduleDefinition[]; problems: ScheduleProblem[] } {
  if (!existsSync(path)) return { schedules: [], problems: [{ schedule: path, code: 'schedule.error.file_missing' }] };
  return parseSchedules(readFileSync(path, 'utf8'), defaultTimezone);
}
