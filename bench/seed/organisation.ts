/**
 * The synthetic organisation of the statistics benchmark: a three-level department tree (bureaus,
 * divisions, teams; 60 departments, some teams of fewer than five), staff spread over it with
 * managers, joiners and leavers through the seeded days, and some who move department mid-way.
 * Deterministic for a given seed.
 */
import { addDays, type Day } from '../../src/time.js';

export interface SeedDepartment {
  id: number;
  parentId: number | null;
  name: string;
  path: string;
  /** How keen this department is on the quiz: the share of working days its people answer, on average. */
  keenness: number;
}

export interface SeedMember {
  id: number;
  employeeNo: string;
  departmentId: number;
  /** Before the move, when there is one. */
  previousDepartmentId: number | null;
  movedOn: Day | null;
  manager: boolean;
  hr: boolean;
  joinedOn: Day;
  leftOn: Day | null;
  /** Chance of answering on a working day while active. */
  propensity: number;
}

const BUREAUS = ['기획조정실', '행정국', '복지국', '경제산업국', '도시건설국', '감사관실'];
const DIVISIONS = ['기획', '예산', '법무', '총무', '인사', '정보', '복지정책', '노인복지', '아동', '일자리', '기업지원', '농업', '도시계획', '건축', '도로', '감사', '조사', '청렴'];
const TEAMS_PER_DIVISION = 2;
/** Teams kept deliberately small, to exercise suppression. */
const TINY_TEAMS = 4;
const TINY_TEAM_SIZE = [2, 3, 4, 3];
/** Shares of the staff count, on top of it (joiners) or within it (leavers, movers). */
const JOINER_SHARE = 0.05;
const LEAVER_SHARE = 0.05;
const MOVER_SHARE = 0.03;
const MANAGER_SHARE = 0.06;
const NEVER_ANSWERS_SHARE = 0.12;

export function buildDepartments(random: () => number): SeedDepartment[] {
  const departments: SeedDepartment[] = [];
  const add = (parentId: number | null, name: string, path: string) => {
    const department = { id: departments.length + 1, parentId, name, path, keenness: 0.35 + random() * 0.55 };
    departments.push(department);
    return department;
  };
  BUREAUS.forEach((bureau, b) => {
    const top = add(null, bureau, bureau);
    for (let d = 0; d < DIVISIONS.length / BUREAUS.length; d++) {
      const name = `${DIVISIONS[b * 3 + d]}과`;
      const division = add(top.id, name, `${bureau}/${name}`);
      for (let t = 1; t <= TEAMS_PER_DIVISION; t++) add(division.id, `${DIVISIONS[b * 3 + d]}${t}팀`, `${division.path}/${DIVISIONS[b * 3 + d]}${t}팀`);
    }
  });
  return departments;
}

/**
 * `staff` people at the start (bureau and division heads first, then teams by weight), plus joiners
 * during `days`; some leave and some move during them.
 */
export function buildMembers(random: () => number, departments: readonly SeedDepartment[], staff: number, days: readonly Day[]): SeedMember[] {
  const first = days[0]!;
  const teams = departments.filter((d) => d.path.split('/').length === 3);
  const tiny = teams.filter((_, i) => i % Math.floor(teams.length / TINY_TEAMS) === 0).slice(0, TINY_TEAMS);
  const regular = teams.filter((t) => !tiny.includes(t));
  const weights = regular.map(() => 0.5 + random());
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  const pickTeam = () => {
    let x = random() * totalWeight;
    for (let i = 0; i < regular.length; i++) if ((x -= weights[i]!) <= 0) return regular[i]!;
    return regular[regular.length - 1]!;
  };
  const dayIn = () => days[Math.floor(random() * days.length)]!;
  const members: SeedMember[] = [];
  const add = (departmentId: number, manager: boolean, joinedOn: Day) => {
    const keenness = departments[departmentId - 1]!.keenness;
    const propensity = random() < NEVER_ANSWERS_SHARE ? 0 : Math.min(0.98, keenness * (0.6 + random() * 0.7));
    const id = members.length + 1;
    members.push({ id, employeeNo: `S${String(id).padStart(6, '0')}`, departmentId, previousDepartmentId: null, movedOn: null, manager, hr: false, joinedOn, leftOn: null, propensity });
  };
  const hired = (i: number) => addDays('2015-01-01', Math.floor((i * 7919) % 3650));
  // Heads of bureaus and divisions, with a deputy each.
  for (const d of departments.filter((x) => x.path.split('/').length < 3)) {
    add(d.id, true, hired(members.length));
    if (members.length < staff) add(d.id, false, hired(members.length));
  }
  tiny.forEach((team, i) => {
    for (let n = 0; n < TINY_TEAM_SIZE[i % TINY_TEAM_SIZE.length]!; n++) add(team.id, false, hired(members.length));
  });
  while (members.length < staff) add(pickTeam().id, random() < MANAGER_SHARE, hired(members.length));
  // Joiners arrive during the seeded days; leavers go during them (never on their first day).
  const joiners = Math.round(staff * JOINER_SHARE);
  for (let i = 0; i < joiners; i++) add(pickTeam().id, false, dayIn());
  const candidates = members.filter((m) => !tiny.some((t) => t.id === m.departmentId));
  for (let i = 0; i < Math.round(staff * LEAVER_SHARE); i++) {
    const m = candidates[Math.floor(random() * candidates.length)]!;
    const day = dayIn();
    if (m.leftOn === null && day > m.joinedOn) m.leftOn = day;
  }
  for (let i = 0; i < Math.round(staff * MOVER_SHARE); i++) {
    const m = candidates[Math.floor(random() * candidates.length)]!;
    const day = dayIn();
    if (m.movedOn !== null || day <= m.joinedOn || day <= first || (m.leftOn !== null && day >= m.leftOn)) continue;
    m.previousDepartmentId = m.departmentId;
    m.departmentId = pickTeam().id;
    m.movedOn = day;
  }
  // A few integrity officers.
  for (let i = 0; i < Math.max(1, Math.round(staff / 500)); i++) members[Math.floor(random() * members.length)]!.hr = true;
  return members;
}

export function activeOn(member: SeedMember, day: Day): boolean {
  return member.joinedOn <= day && (member.leftOn === null || day < member.leftOn);
}

export function departmentOn(member: SeedMember, day: Day): number {
  return member.movedOn !== null && day < member.movedOn ? member.previousDepartmentId! : member.departmentId;
}
