import type { Translator } from '../i18n/index.js';
import { UserError } from './errors.js';

export const ROLES = ['employee', 'manager', 'hr', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Parses the stored ';'-list; every member is at least an employee. */
export function parseRoles(stored: string): Role[] {
  const roles = new Set<Role>(['employee']);
  for (const part of stored.split(';')) {
    const role = part.trim();
    if (isRole(role)) roles.add(role);
  }
  return ROLES.filter((r) => roles.has(r));
}

export function formatRoles(roles: readonly Role[]): string {
  return ROLES.filter((r) => roles.includes(r)).join(';');
}

export function hasAnyRole(roles: readonly Role[], allowed: readonly Role[]): boolean {
  return allowed.some((r) => roles.includes(r));
}

/** For subcommands with stricter roles than their command: refuses, localised, changing nothing. */
export function requireAnyRole(roles: readonly Role[], allowed: readonly Role[]): void {
  if (!hasAnyRole(roles, allowed)) throw new UserError('error.forbidden');
}

/** Operators of the programme: HR / integrity officers and administrators. */
export const OPERATORS: readonly Role[] = ['hr', 'admin'];

/**
 * Each role's one name in the reader's language ("role.manager" is 간부 / Manager everywhere), as
 * parameters for texts that name roles, so that help, whoami and errors never call a role two things.
 */
export function roleNames(t: Translator): Record<Role, string> {
  return { employee: t('role.employee'), manager: t('role.manager'), hr: t('role.hr'), admin: t('role.admin') };
}
