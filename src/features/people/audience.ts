/**
 * Audiences typed by people ("all", "전체", "행정국/감사과, 복지국"): parsed and checked against the
 * roster's departments, and scoped for managers, who address only their own department subtree.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, Member } from '../../db/schema.js';
import { UserError } from '../../engine/errors.js';
import { hasAnyRole, type Role } from '../../engine/roles.js';
import { departmentById, UNASSIGNED_DEPARTMENT } from './people.repository.js';
import { DEPARTMENT_SEPARATOR, parseDepartmentPath } from './roster.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

export type DepartmentAudience = { all: true } | { departments: string[] };

const ALL_WORDS = new Set(['all', '전체', '전직원', '전 직원']);

export function isAllWord(raw: string): boolean {
  return ALL_WORDS.has(raw.trim().toLowerCase());
}

/** Parses "all" or a comma-separated list of department paths that exist. */
export async function parseDepartmentAudience(db: DbOrTrx, raw: string): Promise<DepartmentAudience> {
  const value = raw.trim();
  if (value === '') throw new UserError('audience.error.empty');
  if (isAllWord(value)) return { all: true };
  const known = new Set((await db.selectFrom('departments').select('path').execute()).map((d) => d.path));
  const departments: string[] = [];
  for (const part of value.split(',')) {
    const segments = parseDepartmentPath(part.trim());
    const path = segments?.join(DEPARTMENT_SEPARATOR);
    if (!path || !known.has(path)) throw new UserError('audience.error.unknown', { value: part.trim() });
    if (!departments.includes(path)) departments.push(path);
  }
  return { departments };
}

export function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}${DEPARTMENT_SEPARATOR}`);
}

/**
 * What an author may address: hr and admin anyone; a manager their own department's subtree (the
 * manager of the root department, the head of the organisation, addresses everyone).
 */
export async function checkAudienceScope(db: DbOrTrx, author: Member, roles: readonly Role[], audience: DepartmentAudience): Promise<void> {
  if (hasAnyRole(roles, ['hr', 'admin'])) return;
  const own = (await departmentById(db, author.department_id))?.path;
  // A manager not yet placed in a department (enrolled from chat) addresses no one.
  if (!own || own === UNASSIGNED_DEPARTMENT) throw new UserError('audience.error.no_department');
  if ('all' in audience) {
    // Only the head of the organisation: the manager of its one root department (people not yet
    // placed, in the unassigned department, do not make it one of several roots).
    const roots = await db.selectFrom('departments').select('path').where('parent_id', 'is', null).where('path', '!=', UNASSIGNED_DEPARTMENT).execute();
    if (roots.length === 1 && roots[0]!.path === own) return;
    throw new UserError('audience.error.out_of_scope', { department: own });
  }
  const outside = audience.departments.find((p) => !isWithin(p, own));
  if (outside) throw new UserError('audience.error.out_of_scope', { department: own });
}

/** The author's default audience: hr/admin everyone, a manager their own department. */
export async function defaultDepartmentAudience(db: DbOrTrx, author: Member, roles: readonly Role[]): Promise<string> {
  if (hasAnyRole(roles, ['hr', 'admin'])) return 'all';
  return (await departmentById(db, author.department_id))?.path ?? 'all';
}
