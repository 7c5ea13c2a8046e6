/**
 * The counting core of the statistics: from the roster, the department history and the compact answer
 * rows to raw tallies per department (direct members only). Pure; no suppression yet (report.ts).
 *
 * Headcount rule. A member is *active* on day d iff joined_on ≤ d and (left_on is null or d < left_on).
 * A member is in the period's headcount iff active on at least one working day of the period, and is
 * attributed — for every figure of the period — to the department they belonged to on their last
 * active day within the period (so a leaver counts where they left from, and someone who moved in
 * June counts for their new department in a report on the year, for their old one in a report on
 * January). Joiners and leavers therefore count in full, and their rates pro rata:
 *
 * - participation: members of the headcount who answered on at least one day of the period while active;
 * - depth: answered working days while active / working days while active, summed over the headcount;
 * - topic accuracy: answers given in the period while active, by topic (questions.topic);
 * - weekly trend: per ISO week, members of the headcount active on a working day of that week, and
 *   those of them who answered that week while active;
 * - pledges: members of the headcount still active on the period's last day (leaders: with the manager
 *   role) are eligible; those who signed the current version by that day have signed;
 * - leadership messages, with or without acknowledgement: recipients are the message's audience (every
 *   outbox row of its run, delivered or not), counted by their department on the message's day;
 *   acknowledgements are those of the audience, failed deliveries are counted beside them
 *   (outboxFold.ts keeps all three in stats_announcement_departments);
 * - deliveries: by the recipient's department on the run's day; channel posts only at organisation level.
 */
import { addDays, daysBetween, type Day } from '../../time.js';
import { dayOfYear, decodeTable, NO_ANSWER } from './answerDays.js';
import { departmentOn, type DepartmentSpan } from './departmentHistory.js';
import { weeksOf, type Period } from './period.js';

const NO_ANSWER_CODE = NO_ANSWER.charCodeAt(0);

export interface WorkingDays {
  isWorkingDay(day: Day): boolean;
}

export interface DepartmentInfo {
  id: number;
  parentId: number | null;
  path: string;
  name: string;
}

export interface MemberInfo {
  id: number;
  joinedOn: Day;
  leftOn: Day | null;
  /** The current department: the fallback when a member has no history. */
  departmentId: number;
  manager: boolean;
}

export interface PledgeInfo {
  id: number;
  pack: string;
  slug: string;
  /** "pack/slug". */
  key: string;
  version: number;
  audience: 'all' | 'leaders';
}

export interface AnnouncementInfo {
  id: number;
  title: string;
  day: Day;
  status: string;
  /** Letters that ask for no acknowledgement are counted too: that they were sent is evidence. */
  ackRequired: boolean;
}

export interface DeliveryTally {
  sent: number;
  failed: number;
  skipped: number;
}

/** Everything the counting needs, as loaded by stats.repository.ts. */
export interface StatsInput {
  period: Period;
  departments: DepartmentInfo[];
  /** Members active on some day of the period. */
  members: MemberInfo[];
  /** Department history of the members who moved; the others were always in their current department. */
  spans: ReadonlyMap<number, readonly DepartmentSpan[]>;
  /**
   * member → for each year from `firstYear` on, the part of its answer string (answerDays.ts) that
   * starts at day-of-year `offsets[year - firstYear]`; missing when the member did not answer then.
   */
  answerYears: { firstYear: number; offsets: readonly number[]; byMember: ReadonlyMap<number, readonly (string | undefined)[]> };
  /** Topic names by code. */
  topics: readonly string[];
  pledges: PledgeInfo[];
  /** pledge id → members who signed that version by the period's last day. */
  signed: ReadonlyMap<number, ReadonlySet<number>>;
  announcements: AnnouncementInfo[];
  /** announcement id → department (on the message's day) → its audience, those who acknowledged it, and those it could not be delivered to. */
  announcementTallies: ReadonlyMap<number, ReadonlyMap<number, { recipients: number; acknowledged: number; failed: number }>>;
  /** department (on the run's day; null: channel posts and unknown) → final deliveries of runs in the period. */
  deliveries: ReadonlyMap<number | null, DeliveryTally>;
  quizDaysHeld: number;
}

export interface TopicTally {
  answered: number;
  correct: number;
  /** Distinct members who answered the topic. */
  answerers: number;
}

/** Raw tallies about one department's direct members. */
export interface DirectCounts {
  headcount: number;
  joiners: number;
  leavers: number;
  participants: number;
  answeredWorkingDays: number;
  activeWorkingDays: number;
  /** Only topics with answers. */
  topics: Map<string, TopicTally>;
  weekHeadcount: number[];
  weekParticipants: number[];
  /** Every current pledge. */
  pledges: Map<number, { eligible: number; signed: number }>;
  /** Every message of the period. */
  announcements: Map<number, { recipients: number; acknowledged: number; failed: number }>;
  deliveries: DeliveryTally;
}

export interface Week {
  key: string;
  from: Day;
  to: Day;
  workingDays: number;
}

export interface DepartmentCounts {
  period: Period;
  workingDays: number;
  quizDaysHeld: number;
  weeks: Week[];
  departments: DepartmentInfo[];
  /** Topics answered anywhere in the organisation during the period, sorted. */
  topics: string[];
  pledges: PledgeInfo[];
  announcements: AnnouncementInfo[];
  /** Every department, including those without members in the period. */
  direct: Map<number, DirectCounts>;
  /** Deliveries no department can be given: channel posts, recipients without a department that day. */
  unattributedDeliveries: DeliveryTally;
}

export function emptyDirectCounts(weeks: number, pledges: readonly PledgeInfo[], announcements: readonly AnnouncementInfo[]): DirectCounts {
  return {
    headcount: 0,
    joiners: 0,
    leavers: 0,
    participants: 0,
    answeredWorkingDays: 0,
    activeWorkingDays: 0,
    topics: new Map(),
    weekHeadcount: new Array<number>(weeks).fill(0),
    weekParticipants: new Array<number>(weeks).fill(0),
    pledges: new Map(pledges.map((p) => [p.id, { eligible: 0, signed: 0 }])),
    announcements: new Map(announcements.map((a) => [a.id, { recipients: 0, acknowledged: 0, failed: 0 }])),
    deliveries: { sent: 0, failed: 0, skipped: 0 },
  };
}

export function countByDepartment(input: StatsInput, calendar: WorkingDays): DepartmentCounts {
  const { period } = input;
  const n = daysBetween(period.from, period.to) + 1;
  const days: Day[] = [];
  const working = new Uint8Array(n);
  const workingBefore = new Int32Array(n + 1); // working days in [0, i)
  const doy = new Int32Array(n);
  // Calendar years the period touches: [segmentStart, segmentEnd] day indexes of each.
  const yearSegment = new Int32Array(n);
  const segmentYear: number[] = [];
  const segmentStart: number[] = [];
  const segmentEnd: number[] = [];
  for (let i = 0, d = period.from; i < n; i++, d = addDays(d, 1)) {
    days.push(d);
    working[i] = calendar.isWorkingDay(d) ? 1 : 0;
    workingBefore[i + 1] = workingBefore[i]! + working[i]!;
    const year = Number(d.slice(0, 4));
    if (segmentYear[segmentYear.length - 1] !== year) {
      segmentYear.push(year);
      segmentStart.push(i);
    }
    segmentEnd[segmentYear.length - 1] = i;
    yearSegment[i] = segmentYear.length - 1;
    doy[i] = dayOfYear(d);
  }
  const workingIn = (lo: number, hi: number) => workingBefore[hi + 1]! - workingBefore[lo]!;
  const weeks: Week[] = weeksOf(period).map((w) => ({ ...w, workingDays: workingIn(daysBetween(period.from, w.from), daysBetween(period.from, w.to)) }));
  const weekStart = weeks.map((w) => daysBetween(period.from, w.from));
  const weekEnd = weeks.map((w) => daysBetween(period.from, w.to));
  const weekOf = new Int32Array(n);
  weeks.forEach((_, w) => weekOf.fill(w, weekStart[w]!, weekEnd[w]! + 1));

  const direct = new Map(input.departments.map((d) => [d.id, emptyDirectCounts(weeks.length, input.pledges, input.announcements)]));
  const table = decodeTable(input.topics.length);
  const topicCount = input.topics.length;
  // Per department, per topic code: answered, correct, answerers.
  const topicTallies = new Map<number, Int32Array>();
  const seenTopic = new Int32Array(topicCount); // the member (index + 1) who last answered each topic
  const answeredInWeek = new Uint8Array(weeks.length);
  const countsOf = (departmentId: number) => {
    let counts = direct.get(departmentId);
    if (!counts) direct.set(departmentId, (counts = emptyDirectCounts(weeks.length, input.pledges, input.announcements)));
    return counts;
  };

  input.members.forEach((member, index) => {
    const spans = input.spans.get(member.id);
    const departmentOnDay = (day: Day) => (spans === undefined ? member.departmentId : (departmentOn(spans, day) ?? member.departmentId));

    const first = member.joinedOn > period.from ? daysBetween(period.from, member.joinedOn) : 0;
    const last = member.leftOn === null || member.leftOn > period.to ? n - 1 : daysBetween(period.from, member.leftOn) - 1;
    if (first > last || workingIn(first, last) === 0) return;
    const departmentId = departmentOnDay(days[last]!);
    const counts = countsOf(departmentId);
    counts.headcount++;
    if (member.joinedOn >= period.from) counts.joiners++;
    if (member.leftOn !== null && member.leftOn <= period.to) counts.leavers++;
    counts.activeWorkingDays += workingIn(first, last);

    const years = input.answerYears.byMember.get(member.id);
    let tallies: Int32Array | undefined;
    let answered = false;
    answeredInWeek.fill(0);
    // One year's string at a time: the day loop below is the hot path of every report.
    for (let segment = yearSegment[first]!; years !== undefined && segment <= yearSegment[last]!; segment++) {
      const y = segmentYear[segment]! - input.answerYears.firstYear;
      const s = years[y];
      if (s === undefined) continue;
      const offset = input.answerYears.offsets[y] ?? 0;
      const lo = Math.max(first, segmentStart[segment]!);
      const hi = Math.min(last, segmentEnd[segment]!);
      for (let i = lo; i <= hi; i++) {
        const code = s.charCodeAt(doy[i]! - offset);
        if (code === NO_ANSWER_CODE) continue;
        const symbol = table[code] ?? 0;
        if (symbol === 0) continue;
        const topic = (symbol - 1) >> 1;
        answered = true;
        answeredInWeek[weekOf[i]!] = 1;
        if (working[i]) counts.answeredWorkingDays++;
        tallies ??= topicTallies.get(departmentId) ?? topicTallies.set(departmentId, new Int32Array(topicCount * 3)).get(departmentId)!;
        tallies[topic * 3]!++;
        tallies[topic * 3 + 1]! += (symbol - 1) & 1;
        if (seenTopic[topic] !== index + 1) {
          seenTopic[topic] = index + 1;
          tallies[topic * 3 + 2]!++;
        }
      }
    }
    if (answered) counts.participants++;
    for (let w = weekOf[first]!; w <= weekOf[last]!; w++) {
      const lo = Math.max(first, weekStart[w]!);
      const hi = Math.min(last, weekEnd[w]!);
      if (workingIn(lo, hi) === 0) continue;
      counts.weekHeadcount[w]!++;
      if (answeredInWeek[w]) counts.weekParticipants[w]!++;
    }

    if (last === n - 1) {
      for (const pledge of input.pledges) {
        if (pledge.audience === 'leaders' && !member.manager) continue;
        const tally = counts.pledges.get(pledge.id)!;
        tally.eligible++;
        if (input.signed.get(pledge.id)?.has(member.id)) tally.signed++;
      }
    }
  });

  const answeredTopics = new Set<number>();
  for (const [departmentId, tallies] of topicTallies) {
    const topics = countsOf(departmentId).topics;
    for (let t = 0; t < topicCount; t++) {
      if (tallies[t * 3] === 0) continue;
      answeredTopics.add(t);
      topics.set(input.topics[t]!, { answered: tallies[t * 3]!, correct: tallies[t * 3 + 1]!, answerers: tallies[t * 3 + 2]! });
    }
  }

  for (const message of input.announcements) {
    for (const [departmentId, tally] of input.announcementTallies.get(message.id) ?? []) {
      const counts = countsOf(departmentId).announcements.get(message.id)!;
      counts.recipients += tally.recipients;
      counts.acknowledged += tally.acknowledged;
      counts.failed += tally.failed;
    }
  }

  const unattributedDeliveries: DeliveryTally = { sent: 0, failed: 0, skipped: 0 };
  for (const [departmentId, tally] of input.deliveries) {
    const target = departmentId !== null && direct.has(departmentId) ? direct.get(departmentId)!.deliveries : unattributedDeliveries;
    target.sent += tally.sent;
    target.failed += tally.failed;
    target.skipped += tally.skipped;
  }

  return {
    period,
    workingDays: workingIn(0, n - 1),
    quizDaysHeld: input.quizDaysHeld,
    weeks,
    departments: input.departments,
    topics: [...answeredTopics].map((t) => input.topics[t]!).sort(),
    pledges: input.pledges,
    announcements: input.announcements,
    direct,
    unattributedDeliveries,
  };
}
