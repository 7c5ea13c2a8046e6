/**
 * The only reader of process.env. Every variable is validated here, once, at start-up; a missing or
 * malformed value stops Probity with a message that names the variable (in Korean and English, because
 * the locale itself may be what is wrong).
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isLocale, type Locale } from './i18n/locales.js';
import { isTimeZone } from './time.js';

export type DatabaseConfig =
  | { dialect: 'sqlite'; path: string } // ':memory:' for an in-memory database
  | { dialect: 'postgres'; url: string };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface SlackConfig {
  /** Bot token (xoxb-…). Secret. */
  readonly botToken: string;
  /** App-level token (xapp-…) for Socket Mode; when absent, the HTTP receiver is used. Secret. */
  readonly appToken: string | undefined;
  /** Verifies HTTP requests from Slack; required without Socket Mode. Secret. */
  readonly signingSecret: string | undefined;
  readonly port: number;
  /** Web API base, e.g. for GovSlack or tests; ends with a slash. */
  readonly apiUrl: string | undefined;
  /** Slack user group id → Probity role. */
  readonly userGroupRoles: Readonly<Record<string, string>>;
}

export interface DiscordConfig {
  /** Bot token. Secret. */
  readonly token: string;
  readonly applicationId: string;
  readonly guildIds: readonly string[];
  readonly quizChannelId: string | undefined;
  /** REST base for tests, e.g. http://127.0.0.1:PORT/api. */
  readonly apiUrl: string | undefined;
  /** Discord role id → Probity role ("role:hr") or department path ("department:행정국/감사과"). */
  readonly roleMap: Readonly<Record<string, string>>;
}

export interface NaverWorksConfig {
  /** The Developer Console app's Client ID and Client Secret (secret). */
  readonly clientId: string;
  readonly clientSecret: string;
  /** The service account (…@…serviceaccount) the JWT assertion is issued for. */
  readonly serviceAccount: string;
  /** The service account's private key, PKCS#8 PEM. Secret. */
  readonly privateKey: string;
  readonly botId: string;
  /** Verifies callbacks (X-WORKS-Signature). Secret. */
  readonly botSecret: string;
  /** The tenant's domain, for the directory sync (users list); no sync without it. */
  readonly domainId: string | undefined;
  /** Where NAVER WORKS posts callbacks on Probity's HTTP listener. */
  readonly callbackPath: string;
  /** API 2.0 base (https://www.worksapis.com/v1.0) and token endpoint base, e.g. for tests. */
  readonly apiUrl: string;
  readonly authUrl: string;
}

export interface HttpConfig {
  /** 0 asks the system for a free port (tests). */
  readonly port: number;
  readonly host: string;
}

export interface Config {
  readonly database: DatabaseConfig;
  readonly timezone: string;
  readonly locale: Locale;
  readonly contentDirs: readonly string[];
  /** Relative weights per quiz topic; topics not named weigh 1. */
  readonly topicWeights: Readonly<Record<string, number>>;
  /** Organisation closures (YYYY-MM-DD) on top of weekends and public holidays. */
  readonly closures: readonly string[];
  readonly logLevel: LogLevel | undefined;
  readonly schedulesFile: string;
  /** Local time (minutes after midnight) until which a slot missed earlier the same day still fires. */
  readonly catchUpUntilMinutes: number;
  /** Messages per second per platform, for the outbox dispatcher. */
  readonly rateLimits: Readonly<Record<string, number>>;
  readonly maxDeliveryAttempts: number;
  /** Names this process in outbox claims; distinct per instance on one host. */
  readonly instanceId: string;
  /** Working hours (minutes after midnight, local): leadership messages may be scheduled only inside them. */
  readonly workingHours: { readonly start: number; readonly end: number };
  /** Reminders a non-signer gets per pledge campaign at most. */
  readonly pledgeReminderMax: number;
  /** No rate or answer figure is shown about fewer members than this. */
  readonly minGroupSize: number;
  /** Reminders a non-respondent gets per pulse run at most. */
  readonly pulseReminderMax: number;
  /** The anti-corruption training duty: see src/features/training/training.ts. */
  readonly training: TrainingConfig;
  /** Check-in messages (the ask and its reminders) a task owner gets per task and month at most. */
  readonly planCheckinMax: number;
  /**
   * Yearly windows (month-day, both ends included) in which no pulse and no assessment-related nudge
   * is sent: coaching staff before the ACRC's own survey counts against the assessment.
   */
  readonly surveyQuiet: readonly QuietWindow[];
  /** Raw per-answer rows older than this many days are purged; daily aggregates keep the statistics. */
  readonly answerRetentionDays: number;
  /** The organisation's name, for message templates ("우리 기관" when not set). */
  readonly organisationName: string | undefined;
  /** The operations listener (/healthz, /readyz, /metrics); undefined when it is off. */
  readonly http: HttpConfig | undefined;
  /** Present when Slack is configured. */
  readonly slack: SlackConfig | undefined;
  /** Present when Discord is configured. */
  readonly discord: DiscordConfig | undefined;
  /** Present when NAVER WORKS is configured. */
  readonly naverworks: NaverWorksConfig | undefined;
  /** PROBITY_PUBLIC_URL without a trailing slash: where browsers reach the web dashboard; off when undefined. */
  readonly publicUrl: string | undefined;
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/probity.sqlite';
export const DEFAULT_TIMEZONE = 'Asia/Seoul';
export const SHIPPED_CONTENT_DIR = 'content';
export const DEFAULT_SCHEDULES_FILE = 'schedules.yaml';
export const DEFAULT_CATCH_UP_UNTIL = '18:00';
/**
 * Conservative defaults under the platforms' published limits: Slack allows "several hundred
 * messages a minute" per workspace for chat.postMessage; Discord's global limit is 50 requests a second.
 */
/**
 * NAVER WORKS allows 240 requests a minute per API on paid plans (60 on the free one) and asks that
 * sustained use stay under half of it (developers.worksmobile.com/kr/docs/rate-limits): 2 a second.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, number>> = { slack: 10, discord: 40, naverworks: 2, console: 1000 };
export const DEFAULT_MAX_DELIVERY_ATTEMPTS = 10;
export const DEFAULT_WORKING_HOURS = '09:00-18:00';
export const DEFAULT_PLEDGE_REMINDER_MAX = 3;
export const DEFAULT_MIN_GROUP_SIZE = 5;
export const DEFAULT_ANSWER_RETENTION_DAYS = 730;
export const DEFAULT_HTTP_PORT = 8080;
/** All interfaces, so that a container's published port and a Prometheus server on the network reach it. */
export const DEFAULT_HTTP_HOST = '0.0.0.0';
const MAX_PORT = 65535;

export const DEFAULT_PULSE_REMINDER_MAX = 2;
export const DEFAULT_PLAN_CHECKIN_MAX = 3;

export interface TrainingConfig {
  /** A new hire's face-to-face session is due within this many days of joining. */
  readonly newHireDays: number;
  /** Reminders to those short of the yearly requirement start in this month (1–12). */
  readonly reminderFromMonth: number;
  /** Reminders a member gets per calendar year at most. */
  readonly reminderMax: number;
}
export const DEFAULT_TRAINING: TrainingConfig = { newHireDays: 90, reminderFromMonth: 9, reminderMax: 3 };

/** A yearly window of month-days ("MM-DD"); `from` after `to` runs over the new year. */
export interface QuietWindow {
  readonly from: string;
  readonly to: string;
}

export interface ConfigIssue {
  variable: string;
  ko: string;
  en: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      ['설정 오류 / Configuration error:']
        .concat(issues.map((i) => `  ${i.variable}: ${i.ko} / ${i.en}`))
        .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads a .env file into the environment when there is one; variables already set win. */
export function loadEnvFile(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

export function loadConfig(env: Env | undefined = process.env): Config {
  env ??= process.env;
  const issues: ConfigIssue[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };

  const database = parseDatabaseUrl(value('DATABASE_URL') ?? DEFAULT_DATABASE_URL, issues);

  const timezone = value('PROBITY_TIMEZONE') ?? DEFAULT_TIMEZONE;
  if (!isTimeZone(timezone)) {
    issues.push({
      variable: 'PROBITY_TIMEZONE',
      ko: `알 수 없는 시간대입니다: "${timezone}" (예: Asia/Seoul)`,
      en: `unknown time zone "${timezone}" (e.g. Asia/Seoul)`,
    });
  }

  const localeRaw = value('PROBITY_LOCALE') ?? 'ko';
  if (!isLocale(localeRaw)) {
    issues.push({
      variable: 'PROBITY_LOCALE',
      ko: `ko 또는 en 이어야 합니다: "${localeRaw}"`,
      en: `must be ko or en, not "${localeRaw}"`,
    });
  }

  const contentDirs = splitList(value('PROBITY_CONTENT_DIRS'));
  const topicWeights = parseTopicWeights(value('PROBITY_QUIZ_TOPIC_WEIGHTS'), issues);
  const closures = parseClosures(value('PROBITY_CLOSURES'), issues);

  const logLevelRaw = value('LOG_LEVEL');
  if (logLevelRaw !== undefined && !LOG_LEVELS.includes(logLevelRaw as LogLevel)) {
    issues.push({
      variable: 'LOG_LEVEL',
      ko: `${LOG_LEVELS.join(', ')} 중 하나여야 합니다`,
      en: `must be one of ${LOG_LEVELS.join(', ')}`,
    });
  }

  const catchUpRaw = value('PROBITY_CATCHUP_UNTIL') ?? DEFAULT_CATCH_UP_UNTIL;
  const catchUp = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(catchUpRaw);
  if (!catchUp) {
    issues.push({ variable: 'PROBITY_CATCHUP_UNTIL', ko: `HH:MM 형식의 시각이어야 합니다: "${catchUpRaw}"`, en: `must be a time as HH:MM, not "${catchUpRaw}"` });
  }
  const rateLimits = { ...DEFAULT_RATE_LIMITS, ...parseRates(value('PROBITY_RATE_LIMITS'), issues) };
  const attemptsRaw = value('PROBITY_DELIVERY_MAX_ATTEMPTS');
  const maxDeliveryAttempts = attemptsRaw === undefined ? DEFAULT_MAX_DELIVERY_ATTEMPTS : Number(attemptsRaw);
  if (!Number.isInteger(maxDeliveryAttempts) || maxDeliveryAttempts < 1 || maxDeliveryAttempts > 50) {
    issues.push({ variable: 'PROBITY_DELIVERY_MAX_ATTEMPTS', ko: '1부터 50 사이의 정수여야 합니다', en: 'must be a whole number from 1 to 50' });
  }

  const hoursRaw = value('PROBITY_WORKING_HOURS') ?? DEFAULT_WORKING_HOURS;
  const hours = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(hoursRaw);
  const workingHours = hours ? { start: Number(hours[1]) * 60 + Number(hours[2]), end: Number(hours[3]) * 60 + Number(hours[4]) } : { start: 0, end: 0 };
  if (!hours || workingHours.start >= workingHours.end) {
    issues.push({ variable: 'PROBITY_WORKING_HOURS', ko: `HH:MM-HH:MM 형식이어야 하고 시작이 끝보다 빨라야 합니다: "${hoursRaw}"`, en: `must be HH:MM-HH:MM with the start before the end, not "${hoursRaw}"` });
  }
  const pledgeReminderMax = wholeNumber(value('PROBITY_PLEDGE_REMINDER_MAX'), DEFAULT_PLEDGE_REMINDER_MAX, 0, 20, 'PROBITY_PLEDGE_REMINDER_MAX', issues);
  const minGroupSize = wholeNumber(value('PROBITY_MIN_GROUP_SIZE'), DEFAULT_MIN_GROUP_SIZE, 2, 100, 'PROBITY_MIN_GROUP_SIZE', issues);
  const answerRetentionDays = wholeNumber(value('PROBITY_ANSWER_RETENTION_DAYS'), DEFAULT_ANSWER_RETENTION_DAYS, 30, 3650, 'PROBITY_ANSWER_RETENTION_DAYS', issues);
  const pulseReminderMax = wholeNumber(value('PROBITY_PULSE_REMINDER_MAX'), DEFAULT_PULSE_REMINDER_MAX, 0, 10, 'PROBITY_PULSE_REMINDER_MAX', issues);
  const training: TrainingConfig = Object.freeze({
    newHireDays: wholeNumber(value('PROBITY_TRAINING_NEW_HIRE_DAYS'), DEFAULT_TRAINING.newHireDays, 1, 366, 'PROBITY_TRAINING_NEW_HIRE_DAYS', issues),
    reminderFromMonth: wholeNumber(value('PROBITY_TRAINING_REMINDER_FROM'), DEFAULT_TRAINING.reminderFromMonth, 1, 12, 'PROBITY_TRAINING_REMINDER_FROM', issues),
    reminderMax: wholeNumber(value('PROBITY_TRAINING_REMINDER_MAX'), DEFAULT_TRAINING.reminderMax, 0, 20, 'PROBITY_TRAINING_REMINDER_MAX', issues),
  });
  const planCheckinMax = wholeNumber(value('PROBITY_PLAN_CHECKIN_MAX'), DEFAULT_PLAN_CHECKIN_MAX, 0, 10, 'PROBITY_PLAN_CHECKIN_MAX', issues);
  const surveyQuiet = parseQuietWindows(value('PROBITY_SURVEY_QUIET'), issues);
  const organisationName = value('PROBITY_ORGANISATION_NAME')?.trim() || undefined;

  const slack = parseSlack(value, issues);
  const discord = parseDiscord(value, issues);

  const naverworks = parseNaverWorks(value, issues);
  const publicUrl = parseUrl('PROBITY_PUBLIC_URL', value('PROBITY_PUBLIC_URL'), issues)?.replace(/\/+$/, '');
  // The dashboard's paths and cookie are /dashboard/… at the root of the host: a sub-path cannot be served.
  if (publicUrl !== undefined && !/^https?:\/\/[^/?#]+$/.test(publicUrl)) issues.push({ variable: 'PROBITY_PUBLIC_URL', ko: `경로 없이 호스트까지만 적어야 합니다 (예: https://probity.example.go.kr): "${publicUrl}"`, en: `must be the host only, without a path (e.g. https://probity.example.go.kr), not "${publicUrl}"` });
  const http = parseHttp(value, slack !== undefined || discord !== undefined || naverworks !== undefined || publicUrl !== undefined, slack, issues);
  if (publicUrl !== undefined && !http) issues.push({ variable: 'PROBITY_HTTP_PORT', ko: 'PROBITY_PUBLIC_URL 의 웹 대시보드에는 HTTP 포트가 필요합니다 (off 는 쓸 수 없습니다)', en: 'the web dashboard at PROBITY_PUBLIC_URL needs the HTTP listener (it cannot be off)' });
  if (naverworks && !http) issues.push({ variable: 'PROBITY_HTTP_PORT', ko: 'NAVER WORKS 콜백을 받으려면 HTTP 포트가 필요합니다 (off 는 쓸 수 없습니다)', en: 'NAVER WORKS callbacks need the HTTP listener (it cannot be off)' });

  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze({
    database: Object.freeze(database),
    timezone,
    locale: localeRaw as Locale,
    contentDirs: Object.freeze([SHIPPED_CONTENT_DIR, ...contentDirs]),
    topicWeights: Object.freeze(topicWeights),
    closures: Object.freeze(closures),
    logLevel: logLevelRaw as LogLevel | undefined,
    schedulesFile: value('PROBITY_SCHEDULES_FILE') ?? DEFAULT_SCHEDULES_FILE,
    catchUpUntilMinutes: catchUp ? Number(catchUp[1]) * 60 + Number(catchUp[2]) : 0,
    rateLimits: Object.freeze(rateLimits),
    maxDeliveryAttempts,
    instanceId: value('PROBITY_INSTANCE_ID') ?? hostname(),
    workingHours: Object.freeze(workingHours),
    pledgeReminderMax,
    minGroupSize,
    pulseReminderMax,
    training,
    planCheckinMax,
    surveyQuiet: Object.freeze(surveyQuiet),
    answerRetentionDays,
    organisationName,
    http: http ? Object.freeze(http) : undefined,
    slack: slack ? Object.freeze(slack) : undefined,
    discord: discord ? Object.freeze(discord) : undefined,
    naverworks: naverworks ? Object.freeze(naverworks) : undefined,
    publicUrl,
  });
}

export function parseDatabaseUrl(url: string, issues: ConfigIssue[] = []): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path !== '') return { dialect: 'sqlite', path };
  } else if (/^postgres(ql)?:\/\/.+/.test(url)) {
    return { dialect: 'postgres', url };
  }
  issues.push({
    variable: 'DATABASE_URL',
    ko: 'sqlite:<경로> 또는 postgres://… 형식이어야 합니다',
    en: 'must be sqlite:<path> or postgres://…',
  });
  return { dialect: 'sqlite', path: ':memory:' };
}


function wholeNumber(raw: string | undefined, fallback: number, min: number, max: number, variable: string, issues: ConfigIssue[]): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    issues.push({ variable, ko: `${min}부터 ${max} 사이의 정수여야 합니다: "${raw}"`, en: `must be a whole number from ${min} to ${max}, not "${raw}"` });
    return fallback;
  }
  return n;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTH_DAY = /^(\d{1,2})(?:-(\d{1,2}))?$/;

/** "MM" or "MM-DD" as the first or last month-day it names; undefined when it is no such day. */
function monthDay(raw: string, end: boolean): string | undefined {
  const match = MONTH_DAY.exec(raw);
  if (!match) return undefined;
  const month = Number(match[1]);
  if (month < 1 || month > 12) return undefined;
  const day = match[2] === undefined ? (end ? DAYS_IN_MONTH[month - 1]! : 1) : Number(match[2]);
  if (day < 1 || day > DAYS_IN_MONTH[month - 1]!) return undefined;
  return `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** "09-01..11-30", "10" (all October) or "10..11", comma-separated. */
function parseQuietWindows(raw: string | undefined, issues: ConfigIssue[]): QuietWindow[] {
  const windows: QuietWindow[] = [];
  for (const entry of splitList(raw)) {
    const [first, last, extra] = entry.split('..').map((s) => s.trim());
    const from = first !== undefined ? monthDay(first, false) : undefined;
    const to = monthDay(last ?? first ?? '', true);
    if (!from || !to || extra !== undefined) {
      issues.push({
        variable: 'PROBITY_SURVEY_QUIET',
        ko: `"${entry}" 은(는) 월 또는 월-일 범위가 아닙니다 (예: 09-15..11-30, 10, 10..11)`,
        en: `"${entry}" is not a month or month-day range (e.g. 09-15..11-30, 10, 10..11)`,
      });
      continue;
    }
    windows.push({ from, to });
  }
  return windows;
}

function splitList(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const TOPIC_WEIGHT_PATTERN = /^([a-z0-9-]+)=(\d+(?:\.\d+)?)$/;

function parseTopicWeights(raw: string | undefined, issues: ConfigIssue[]): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const entry of splitList(raw)) {
    const match = TOPIC_WEIGHT_PATTERN.exec(entry);
    if (!match) {
      issues.push({
        variable: 'PROBITY_QUIZ_TOPIC_WEIGHTS',
        ko: `"${entry}" 은(는) 주제=가중치 형식이 아닙니다 (예: budget-execution=3,graft-act=1)`,
        en: `"${entry}" is not topic=weight (e.g. budget-execution=3,graft-act=1)`,
      });
      continue;
    }
    weights[match[1]!] = Number(match[2]);
  }
  return weights;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A real YYYY-MM-DD day: 2026-02-30 is refused rather than rolled over to March. */
function isCalendarDay(value: string): boolean {
  if (!ISO_DAY.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

function parseClosures(raw: string | undefined, issues: ConfigIssue[]): string[] {
  const days: string[] = [];
  for (const entry of splitList(raw)) {
    if (!isCalendarDay(entry)) {
      issues.push({
        variable: 'PROBITY_CLOSURES',
        ko: `"${entry}" 은(는) YYYY-MM-DD 날짜가 아닙니다`,
        en: `"${entry}" is not a YYYY-MM-DD date`,
      });
      continue;
    }
    days.push(entry);
  }
  return days;
}

const RATE_PATTERN = /^([a-z]+)=(\d+(?:\.\d+)?)$/;

function parseRates(raw: string | undefined, issues: ConfigIssue[]): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const entry of splitList(raw)) {
    const match = RATE_PATTERN.exec(entry);
    if (!match || Number(match[2]) <= 0) {
      issues.push({
        variable: 'PROBITY_RATE_LIMITS',
        ko: `"${entry}" 은(는) 플랫폼=초당메시지수 형식이 아닙니다 (예: slack=10,discord=40)`,
        en: `"${entry}" is not platform=messages-per-second (e.g. slack=10,discord=40)`,
      });
      continue;
    }
    rates[match[1]!] = Number(match[2]);
  }
  return rates;
}

type Read = (name: string) => string | undefined;

const missing = (variable: string, because: { ko: string; en: string }): ConfigIssue => ({
  variable,
  ko: `값이 필요합니다 (${because.ko})`,
  en: `is required (${because.en})`,
});

function parseUrl(variable: string, raw: string | undefined, issues: ConfigIssue[]): string | undefined {
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw;
  } catch {
    // reported below
  }
  issues.push({ variable, ko: `http(s) 주소가 아닙니다: "${raw}"`, en: `not an http(s) URL: "${raw}"` });
  return undefined;
}

function parseMapping(variable: string, raw: string | undefined, allowed: (value: string) => boolean, issues: ConfigIssue[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of splitList(raw)) {
    const [key, ...rest] = entry.split('=');
    const target = rest.join('=').trim();
    if (!key?.trim() || !allowed(target)) {
      issues.push({ variable, ko: `"${entry}" 은(는) 아이디=값 형식이 아닙니다`, en: `"${entry}" is not id=value` });
      continue;
    }
    map[key.trim()] = target;
  }
  return map;
}

const PROBITY_ROLES = ['employee', 'manager', 'hr', 'admin'];

/** Slack runs when SLACK_BOT_TOKEN is set; Socket Mode when SLACK_APP_TOKEN is set too, HTTP otherwise. */
function parseSlack(value: Read, issues: ConfigIssue[]): SlackConfig | undefined {
  const botToken = value('SLACK_BOT_TOKEN');
  const appToken = value('SLACK_APP_TOKEN');
  const signingSecret = value('SLACK_SIGNING_SECRET');
  if (botToken === undefined) {
    if (appToken !== undefined || signingSecret !== undefined) issues.push(missing('SLACK_BOT_TOKEN', { ko: 'Slack 설정이 일부만 있습니다', en: 'Slack is partly configured' }));
    return undefined;
  }
  if (appToken === undefined && signingSecret === undefined) {
    issues.push(missing('SLACK_SIGNING_SECRET', { ko: 'SLACK_APP_TOKEN 이 없으면 HTTP 모드로 동작합니다', en: 'without SLACK_APP_TOKEN Slack runs in HTTP mode' }));
  }
  const portRaw = value('SLACK_PORT') ?? '3000';
  const port = Number(portRaw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) issues.push({ variable: 'SLACK_PORT', ko: `포트 번호가 아닙니다: "${portRaw}"`, en: `not a port number: "${portRaw}"` });
  const apiUrl = parseUrl('SLACK_API_URL', value('SLACK_API_URL'), issues);
  return {
    botToken,
    appToken,
    signingSecret,
    port,
    apiUrl: apiUrl === undefined ? undefined : apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    userGroupRoles: parseMapping('SLACK_USER_GROUP_ROLES', value('SLACK_USER_GROUP_ROLES'), (v) => PROBITY_ROLES.includes(v), issues),
  };
}

/** Discord runs when DISCORD_TOKEN is set; then its application and guild ids are required. */
function parseDiscord(value: Read, issues: ConfigIssue[]): DiscordConfig | undefined {
  const token = value('DISCORD_TOKEN');
  const applicationId = value('DISCORD_APPLICATION_ID');
  const guildIds = splitList(value('DISCORD_GUILD_ID'));
  if (token === undefined) {
    if (applicationId !== undefined || guildIds.length > 0) issues.push(missing('DISCORD_TOKEN', { ko: 'Discord 설정이 일부만 있습니다', en: 'Discord is partly configured' }));
    return undefined;
  }
  const snowflake = /^\d{15,21}$/;
  if (applicationId === undefined) issues.push(missing('DISCORD_APPLICATION_ID', { ko: 'DISCORD_TOKEN 이 있으면 필요합니다', en: 'needed with DISCORD_TOKEN' }));
  else if (!snowflake.test(applicationId)) issues.push({ variable: 'DISCORD_APPLICATION_ID', ko: 'Discord ID(숫자)가 아닙니다', en: 'not a Discord id (digits)' });
  if (guildIds.length === 0) issues.push(missing('DISCORD_GUILD_ID', { ko: 'DISCORD_TOKEN 이 있으면 필요합니다', en: 'needed with DISCORD_TOKEN' }));
  for (const id of guildIds) if (!snowflake.test(id)) issues.push({ variable: 'DISCORD_GUILD_ID', ko: `Discord ID(숫자)가 아닙니다: "${id}"`, en: `not a Discord id: "${id}"` });
  const quizChannelId = value('DISCORD_QUIZ_CHANNEL_ID');
  if (quizChannelId !== undefined && !snowflake.test(quizChannelId)) issues.push({ variable: 'DISCORD_QUIZ_CHANNEL_ID', ko: 'Discord ID(숫자)가 아닙니다', en: 'not a Discord id (digits)' });
  return {
    token,
    applicationId: applicationId ?? '',
    guildIds,
    quizChannelId,
    apiUrl: parseUrl('DISCORD_API_URL', value('DISCORD_API_URL'), issues),
    roleMap: parseMapping('DISCORD_ROLE_MAP', value('DISCORD_ROLE_MAP'), (v) => /^role:(employee|manager|hr|admin)$/.test(v) || /^department:.+/.test(v), issues),
  };
}

export const DEFAULT_NAVERWORKS_API_URL = 'https://www.worksapis.com/v1.0';
export const DEFAULT_NAVERWORKS_AUTH_URL = 'https://auth.worksmobile.com/oauth2/v2.0';
export const DEFAULT_NAVERWORKS_CALLBACK_PATH = '/naverworks/callback';
const PEM_PRIVATE_KEY = /-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----/;

/**
 * NAVER WORKS runs when NAVERWORKS_BOT_ID is set; then the app, its service account and key, and the
 * bot secret are required. The key comes inline (NAVERWORKS_PRIVATE_KEY, "\n" allowed for line
 * breaks) or from a file (NAVERWORKS_PRIVATE_KEY_FILE).
 */
function parseNaverWorks(value: Read, issues: ConfigIssue[]): NaverWorksConfig | undefined {
  const botId = value('NAVERWORKS_BOT_ID');
  const required = ['NAVERWORKS_CLIENT_ID', 'NAVERWORKS_CLIENT_SECRET', 'NAVERWORKS_SERVICE_ACCOUNT', 'NAVERWORKS_BOT_SECRET'] as const;
  if (botId === undefined) {
    if ([...required, 'NAVERWORKS_PRIVATE_KEY', 'NAVERWORKS_PRIVATE_KEY_FILE'].some((name) => value(name) !== undefined)) {
      issues.push(missing('NAVERWORKS_BOT_ID', { ko: 'NAVER WORKS 설정이 일부만 있습니다', en: 'NAVER WORKS is partly configured' }));
    }
    return undefined;
  }
  for (const name of required) if (value(name) === undefined) issues.push(missing(name, { ko: 'NAVERWORKS_BOT_ID 가 있으면 필요합니다', en: 'needed with NAVERWORKS_BOT_ID' }));
  const privateKey = naverWorksPrivateKey(value, issues);
  const callbackPath = value('NAVERWORKS_CALLBACK_PATH') ?? DEFAULT_NAVERWORKS_CALLBACK_PATH;
  if (!/^\/[A-Za-z0-9._~\/-]*$/.test(callbackPath)) issues.push({ variable: 'NAVERWORKS_CALLBACK_PATH', ko: `/ 로 시작하는 경로여야 합니다: "${callbackPath}"`, en: `must be a path starting with /, not "${callbackPath}"` });
  const withoutSlash = (url: string | undefined) => url?.replace(/\/+$/, '');
  return {
    clientId: value('NAVERWORKS_CLIENT_ID') ?? '',
    clientSecret: value('NAVERWORKS_CLIENT_SECRET') ?? '',
    serviceAccount: value('NAVERWORKS_SERVICE_ACCOUNT') ?? '',
    privateKey: privateKey ?? '',
    botId,
    botSecret: value('NAVERWORKS_BOT_SECRET') ?? '',
    domainId: value('NAVERWORKS_DOMAIN_ID'),
    callbackPath,
    apiUrl: withoutSlash(parseUrl('NAVERWORKS_API_URL', value('NAVERWORKS_API_URL'), issues)) ?? DEFAULT_NAVERWORKS_API_URL,
    authUrl: withoutSlash(parseUrl('NAVERWORKS_AUTH_URL', value('NAVERWORKS_AUTH_URL'), issues)) ?? DEFAULT_NAVERWORKS_AUTH_URL,
  };
}

function naverWorksPrivateKey(value: Read, issues: ConfigIssue[]): string | undefined {
  const inline = value('NAVERWORKS_PRIVATE_KEY');
  const file = value('NAVERWORKS_PRIVATE_KEY_FILE');
  let pem = inline?.replace(/\\n/g, '\n');
  if (pem === undefined && file !== undefined) {
    try {
      pem = readFileSync(file, 'utf8');
    } catch {
      issues.push({ variable: 'NAVERWORKS_PRIVATE_KEY_FILE', ko: `파일을 읽을 수 없습니다: "${file}"`, en: `cannot read the file "${file}"` });
      return undefined;
    }
  }
  const variable = inline !== undefined ? 'NAVERWORKS_PRIVATE_KEY' : 'NAVERWORKS_PRIVATE_KEY_FILE';
  if (pem === undefined) issues.push(missing(variable, { ko: 'Developer Console 에서 받은 서비스 계정의 개인 키', en: "the service account's private key from the Developer Console" }));
  // The key itself is never repeated in a message.
  else if (!PEM_PRIVATE_KEY.test(pem)) issues.push({ variable, ko: 'PKCS#8 PEM 개인 키(-----BEGIN PRIVATE KEY-----)가 아닙니다', en: 'not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)' });
  else return pem.trim();
  return undefined;
}

/**
 * The operations listener is on wherever Probity runs unattended (Slack, Discord, Socket Mode
 * included) and off in console mode unless PROBITY_HTTP_PORT is set; "off" turns it off anywhere.
 */
function parseHttp(value: Read, unattended: boolean, slack: SlackConfig | undefined, issues: ConfigIssue[]): HttpConfig | undefined {
  const raw = value('PROBITY_HTTP_PORT');
  const host = value('PROBITY_HTTP_HOST') ?? DEFAULT_HTTP_HOST;
  if (raw?.toLowerCase() === 'off' || (raw === undefined && !unattended)) return undefined;
  const port = raw === undefined ? DEFAULT_HTTP_PORT : Number(raw);
  if (!/^\d+$/.test(raw ?? String(port)) || port > MAX_PORT) {
    issues.push({ variable: 'PROBITY_HTTP_PORT', ko: `0부터 ${MAX_PORT} 사이의 포트 번호 또는 off 여야 합니다: "${raw}"`, en: `must be a port number from 0 to ${MAX_PORT}, or off, not "${raw}"` });
    return undefined;
  }
  if (slack && slack.appToken === undefined && port !== 0 && slack.port === port) {
    issues.push({ variable: 'PROBITY_HTTP_PORT', ko: `SLACK_PORT 와 같은 포트(${port})는 쓸 수 없습니다`, en: `cannot be the same port as SLACK_PORT (${port})` });
  }
  return { port, host };
}
