/**
 * Sign-in links and sessions of the web dashboard. Tokens are 32 random bytes (43 base64url
 * characters); the database keeps only their SHA-256, so neither a link nor a session can be
 * rebuilt from it. A link is good for ten minutes and one redemption; a session for eight hours
 * after its last request. Roles are never stored here: every request reads them from members.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Member } from '../../db/schema.js';
import type { Services } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import { isLocale, type Locale } from '../../i18n/locales.js';

export const LINK_TTL_MS = 10 * 60_000;
export const SESSION_IDLE_MS = 8 * 3_600_000;
/** last_seen_at is written at most this often: a page with its assets is one write, not five. */
const TOUCH_EVERY_MS = 60_000;
export const SIGNIN_PATH = '/dashboard/signin';

/** What a link's token and a session cookie look like; anything else is refused unread. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43,128}$/;

const newToken = () => randomBytes(32).toString('base64url');
export const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * A one-time link for `member`, `${PROBITY_PUBLIC_URL}/dashboard/signin?token=…`. Refused, naming the
 * variable, when the dashboard is not configured.
 */
export async function issueSignInLink(services: Pick<Services, 'db' | 'clock' | 'config'>, member: Pick<Member, 'id'>): Promise<string> {
  const base = services.config.publicUrl;
  if (base === undefined) throw new UserError('dashboard.error.no_public_url', { variable: 'PROBITY_PUBLIC_URL' });
  const token = newToken();
  const now = services.clock.now();
  // Links a day past their expiry are of no use, not even to say why one is refused.
  await services.db.deleteFrom('dashboard_links').where('expires_at', '<', new Date(now.getTime() - 24 * 3_600_000).toISOString()).execute();
  await services.db
    .insertInto('dashboard_links')
    .values({ token_hash: tokenHash(token), member_id: member.id, created_at: now.toISOString(), expires_at: new Date(now.getTime() + LINK_TTL_MS).toISOString(), used_at: null })
    .execute();
  return `${base}${SIGNIN_PATH}?token=${token}`;
}

export type Redemption = { ok: true; memberId: number } | { ok: false; reason: 'unknown' | 'used' | 'expired'; memberId: number | null };

/**
 * Uses a link up: one conditional update, so of two requests at once exactly one wins. Says why a
 * link is refused (for the page and the audit log) without revealing more than that.
 */
export async function redeemLink(db: Kysely<Database>, token: string, now: Date): Promise<Redemption> {
  if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: 'unknown', memberId: null };
  const hash = tokenHash(token);
  const nowIso = now.toISOString();
  const updated = await db
    .updateTable('dashboard_links')
    .set({ used_at: nowIso })
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst();
  const row = await db.selectFrom('dashboard_links').select(['member_id', 'used_at', 'expires_at']).where('token_hash', '=', hash).executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown', memberId: null };
  if (Number(updated.numUpdatedRows) === 1) return { ok: true, memberId: row.member_id };
  return { ok: false, reason: row.used_at !== null ? 'used' : 'expired', memberId: row.member_id };
}

/** A new session for a member; returns the cookie value (never stored). */
export async function createSession(db: Kysely<Database>, memberId: number, now: Date): Promise<string> {
  const token = newToken();
  const nowIso = now.toISOString();
  // Sessions idle past their expiry that nobody came back to end here.
  await db.deleteFrom('dashboard_sessions').where('last_seen_at', '<', new Date(now.getTime() - SESSION_IDLE_MS).toISOString()).execute();
  await db.insertInto('dashboard_sessions').values({ session_hash: tokenHash(token), member_id: memberId, locale: null, created_at: nowIso, last_seen_at: nowIso }).execute();
  return token;
}

export interface Session {
  id: number;
  member: Member;
  locale: Locale | null;
  /** The per-session token a POST must carry. */
  csrf: string;
}

/** The live session behind a cookie, its idle time renewed; an idle one is deleted and undefined. */
export async function sessionFor(db: Kysely<Database>, token: string | undefined, now: Date): Promise<Session | undefined> {
  if (!token || !TOKEN_SHAPE.test(token)) return undefined;
  const row = await db
    .selectFrom('dashboard_sessions as s')
    .innerJoin('members as m', 'm.id', 's.member_id')
    .selectAll('m')
    .select(['s.id as session_id', 's.locale as session_locale', 's.last_seen_at'])
    .where('s.session_hash', '=', tokenHash(token))
    .executeTakeFirst();
  if (!row) return undefined;
  const idle = now.getTime() - Date.parse(row.last_seen_at);
  if (idle > SESSION_IDLE_MS) {
    await db.deleteFrom('dashboard_sessions').where('id', '=', row.session_id).execute();
    return undefined;
  }
  if (idle > TOUCH_EVERY_MS) await db.updateTable('dashboard_sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', row.session_id).execute();
  const { session_id, session_locale, last_seen_at: _seen, ...member } = row;
  return { id: session_id, member, locale: session_locale !== null && isLocale(session_locale) ? session_locale : null, csrf: csrfFor(token) };
}

export async function setSessionLocale(db: Kysely<Database>, sessionId: number, locale: Locale): Promise<void> {
  await db.updateTable('dashboard_sessions').set({ locale }).where('id', '=', sessionId).execute();
}

export async function deleteSession(db: Kysely<Database>, sessionId: number): Promise<void> {
  await db.deleteFrom('dashboard_sessions').where('id', '=', sessionId).execute();
}

/** Derived from the cookie, so it needs no storage and changes with every session. */
export function csrfFor(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`, 'utf8').digest('base64url');
}

export function csrfMatches(session: Session, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
