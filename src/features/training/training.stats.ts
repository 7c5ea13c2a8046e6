/**
 * Training completion against the roster: everyone (ANNUAL_MINUTES in the calendar year), new hires
 * and promoted staff (face to face), the share of training minutes given face to face, and whether
 * the head of the organisation attended. No rate about fewer than the minimum group size is shown,
 * and department figures are protected against subtraction like every other statistic.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { isWithin } from '../people/audience.js';
import { allDepartments } from '../people/people.repository.js';
import { rateFigure, suppressTree, type RateFigure, type SuppressionReason } from '../stats/privacy.js';
import { trainingStatus, type TrainingRules, type TrainingStatus } from './training.js';
import { firstLoadDay, headsOf, trainingPeople, type PersonRow } from './training.repository.js';

export interface TrainingFigures {
  year: number;
  asOf: string;
  scope: { departmentId: number | null; path: string | null };
  headcount: number;
  complete: RateFigure;
  minutesMet: RateFigure;
  newHires: { count: number; met: RateFigure };
  promoted: { count: number; met: RateFigure };
  /** Minutes given face to face of all training minutes attended. */
  faceToFace: RateFigure;
  /** The organisation's head: null outside the organisation's own figures or when unknown. */
  head: { attended: boolean; minutes: number } | null;
  departments: { id: number; path: string; headcount: number; complete: RateFigure }[];
  minGroupSize: number;
}

export interface StatusOf {
  person: PersonRow;
  status: TrainingStatus;
}

export async function statusesFor(db: Kysely<Database> | Transaction<Database>, year: number, asOf: string, newHireDays: number): Promise<StatusOf[]> {
  const rules: TrainingRules = { newHireDays, firstLoadDay: await firstLoadDay(db) };
  return (await trainingPeople(db, year, asOf)).map((person) => ({ person, status: trainingStatus(person, year, asOf, rules) }));
}

/** A rate about `people` members: hidden below the minimum group size (or for `reason`). */
function rateAbout(numerator: number, denominator: number, people: number, min: number, reason: SuppressionReason | null = null, hideDenominator = false): RateFigure {
  const small = people > 0 && people < min ? 'small_group' : null;
  return rateFigure(numerator, denominator, reason ?? small, { hideDenominator });
}

export async function trainingFigures(db: Kysely<Database>, options: { year: number; asOf: string; departmentId: number | null; minGroupSize: number; newHireDays: number }): Promise<TrainingFigures> {
  const { year, asOf, minGroupSize: min } = options;
  const departments = await allDepartments(db);
  const scopePath = options.departmentId === null ? null : (departments.find((d) => d.id === options.departmentId)?.path ?? null);
  const all = await statusesFor(db, year, asOf, options.newHireDays);
  const inScope = scopePath === null ? all : all.filter((s) => isWithin(s.person.path, scopePath));

  // Which department totals are hidden, decided over the whole tree so every view hides the same.
  const direct = new Map<number, number>();
  for (const s of all) direct.set(s.person.departmentId, (direct.get(s.person.departmentId) ?? 0) + 1);
  const suppression = suppressTree(departments.map((d) => ({ id: d.id, parentId: d.parent_id, order: d.path })), (id) => direct.get(id) ?? 0, min);
  const scopeReason = suppression.subtree.get(options.departmentId) ?? null;

  const count = (list: readonly StatusOf[], test: (s: StatusOf) => boolean) => list.filter(test).length;
  const headcount = inScope.length;
  const newHires = inScope.filter((s) => s.status.newHire.required);
  const promoted = inScope.filter((s) => s.status.promoted.required);
  const minutes = inScope.reduce((sum, s) => sum + s.status.minutes, 0);
  const faceMinutes = inScope.reduce((sum, s) => sum + s.status.faceToFaceMinutes, 0);
  const trained = count(inScope, (s) => s.status.minutes > 0);

  // Children of the scope, each with its whole subtree.
  const children = departments.filter((d) => (options.departmentId === null ? d.parent_id === null : d.parent_id === options.departmentId));
  const rows = children
    .map((d) => {
      const members = inScope.filter((s) => isWithin(s.person.path, d.path));
      return { id: d.id, path: d.path, headcount: members.length, complete: rateAbout(count(members, (s) => s.status.complete), members.length, members.length, min, suppression.subtree.get(d.id) ?? null) };
    })
    .filter((r) => r.headcount > 0);

  const heads = options.departmentId === null ? headsOf(all.map((s) => s.person), departments) : [];
  const headStatus = heads.length > 0 ? all.filter((s) => heads.some((h) => h.id === s.person.id)) : [];
  return {
    year,
    asOf,
    scope: { departmentId: options.departmentId, path: scopePath },
    headcount,
    complete: rateAbout(count(inScope, (s) => s.status.complete), headcount, headcount, min, scopeReason),
    minutesMet: rateAbout(count(inScope, (s) => s.status.minutesMet), headcount, headcount, min, scopeReason),
    newHires: { count: newHires.length, met: rateAbout(count(newHires, (s) => s.status.newHire.required && s.status.newHire.met), newHires.length, newHires.length, min) },
    promoted: { count: promoted.length, met: rateAbout(count(promoted, (s) => s.status.promoted.required && s.status.promoted.met), promoted.length, promoted.length, min) },
    faceToFace: rateAbout(faceMinutes, minutes, trained, min, scopeReason, true),
    head: headStatus.length > 0 ? { attended: headStatus.some((s) => s.status.sessions > 0), minutes: Math.max(...headStatus.map((s) => s.status.minutes)) } : null,
    departments: rows,
    minGroupSize: min,
  };
}
