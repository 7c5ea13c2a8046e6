/**
 * Platform conformance: every card the engine produces — driven through the real engine as members
 * of each role use it (commands, every button on what comes back, the forms, the outbox's deliveries)
 * and through each card builder with content at its limits and hostile text — is rendered by both
 * adapters and checked with Discord's own validators (@discordjs/builders) and Slack's Block Kit
 * limits. A new card that Slack or Discord would refuse, or that would let a mention through, fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composers } from '../../src/app.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import type { Reply } from '../../src/engine/reply.js';
import { BODY_MAX, TITLE_MAX } from '../../src/features/announcements/announcements.compose.js';
import { CHOICE_TEXT_MAX, EXPLANATION_TEXT_MAX, MAX_CHOICES, NUDGE_TEXT_MAX, PLEDGE_TEXT_MAX, QUESTION_TEXT_MAX, TITLE_TEXT_MAX } from '../../src/features/content/content.js';
import type { Question } from '../../src/features/content/content.repository.js';
import type { NudgeItem } from '../../src/features/content/content.js';
import { nudgeCard } from '../../src/features/nudges/nudges.cards.js';
import { readFileSync } from 'node:fs';
import { checkPlan, loadPlan } from '../../src/features/plan/plan.repository.js';
import { checkinCard, checkinForm, EVIDENCE_MAX, NOTE_MAX, planCard, statusCard } from '../../src/features/plan/plan.cards.js';
import { PLAN_TEXT_MAX, PLAN_TITLE_MAX, type PlanNode } from '../../src/features/plan/plan.js';
import type { PlanProgress, TaskProgress } from '../../src/features/plan/plan.progress.js';
import { pledgeCard, signedCard } from '../../src/features/pledges/pledges.cards.js';
import type { Pledge } from '../../src/features/pledges/pledges.repository.js';
import { alreadyAnsweredMessage, channelInvitation, meCard, questionCard, resultCard } from '../../src/features/quiz/quiz.cards.js';
import { translator } from '../../src/i18n/index.js';
import { LOCALES, type Locale, type Localized } from '../../src/i18n/locales.js';
import type { Message } from '../../src/ui/card.js';
import type { Form } from '../../src/ui/form.js';
import { FakePort } from '../support/fakePort.js';
import { planners } from '../../src/app.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { TITLE_MAX as TRAINING_TITLE_MAX } from '../../src/features/training/training.js';
import { recordLedger } from '../../src/features/training/training.repository.js';
import { buttonsOf, consoleActor, createHarness, SHIPPED_CONTENT, type Harness } from '../support/harness.js';
import { discordProblems, formProblems, slackProblems } from './conformance.validators.js';

const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
/** Text that would ping or mislead on Slack if it reached mrkdwn unescaped, and on Discord without allowed_mentions. */
const HOSTILE = '<!channel> & <@U123> <!here> <https://evil.example|click> @everyone ';
/**
 * Korean and emoji filled to `max` code points, the longest text content check lets through: an emoji
 * is one code point but two UTF-16 units, so this text is half as long again as Discord and Slack count it.
 */
const filled = (max: number, lead = ''): string => {
  const unit = '청📜';
  const body = [...lead, ...[...unit.repeat(max)]].slice(0, max);
  return body.join('');
};
const both = (make: (locale: Locale) => string): Localized => Object.fromEntries(LOCALES.map((l) => [l, make(l)])) as Localized;
/** Buttons pressed while exploring, at most: the session stays short. */
const MAX_PRESSES = 120;

interface Sample {
  where: string;
  message?: Message;
  form?: Form;
}

const samples: Sample[] = [];
const record = (where: string, reply: Reply): void => {
  if (reply.kind === 'none') return;
  if (reply.kind === 'form') {
    samples.push({ where: `${where} (form)`, form: reply.form }, { where: `${where} (form fallback)`, message: reply.fallback });
  } else samples.push({ where, message: reply.message });
};

let h: Harness;

/** Every command a member of each role uses, then every button on what came back (two levels deep). */
async function drive(): Promise<void> {
  // A training reminder due now, and a session whose title is at the longest a record takes.
  const schedules = ['schedules:', '  - name: training-reminder', '    kind: training_reminder', '    cron: "30 9 * * 1-5"', '    audience: all', '    delivery: dm'].join('\n');
  h = await createHarness({ contentDirs: [SHIPPED_CONTENT], start: KST('2026-11-27', '09:30'), schedules, env: { PROBITY_TRAINING_REMINDER_FROM: '1', PROBITY_PUBLIC_URL: 'https://probity.city.example' } });
  await recordLedger(h.services.db, [{ row: 2, employeeNo: '1001', day: '2026-04-10', title: filled(TRAINING_TITLE_MAX, HOSTILE), kind: 'face_to_face', minutes: 60 }], { nowIso: KST('2026-11-27', '09:00'), actorLabel: 'test', source: 'test' });
  // The example plan, its owners moved to the fixture roster's departments.
  const plan = readFileSync('examples/plan.yaml', 'utf8').replace(/owner: \S+/g, 'owner: 행정국/감사과').replace(/ {4}member: .*\n/g, '');
  await loadPlan(h.services.db, (await checkPlan(h.services.db, plan)).plan!, h.clock.now().toISOString());
  const sessions: Array<[string, string[][]]> = [
    ['1001', [['help'], ['quiz'], ['me'], ['whoami'], ['dm', 'on'], ['dm', 'off'], ['pledge'], ['pledge', 'show', 'all-staff'], ['letters'], ['no-such-command'], ['stats'], ['pulse'], ['pulse', 'respond'], ['training'], ['stats', 'training']]],
    ['1002', [['help'], ['quiz'], ['me'], ['whoami'], ['lang', 'ko'], ['lang', 'en'], ['pledge'], ['letters']]],
    [
      '3001',
      [
        ['help'], ['status'], ['schedule', 'list'], ['pledge', 'open', 'all-staff', 'all'], ['pledge', 'status'], ['pledge', 'status', 'all-staff'], ['pledge', 'nonsigners', 'all-staff'],
        ['announce'], ['announce', 'template', 'holiday'], ['announce', 'list'], ['stats'], ['stats', 'month'], ['stats', '2026'],
        ['export', 'participation'], ['export', 'topics', 'xlsx'], ['export', 'pledges'], ['export', 'announcements'], ['report', 'annual', '2026'], ['report'],
        ['pulse', 'open', 'integrity-climate', 'all'], ['pulse', 'list'], ['pulse', 'results'],
        ['training'], ['training', 'add'], ['stats', 'training'], ['stats', 'training', '2026', '행정국'],
        ['announce', 'holdout', '0.2', 'outcome', 'participation'], ['report', 'effect'], ['report', 'effect', 'nope'],
      ],
    ],
    ['2001', [['help'], ['stats'], ['announce', 'list'], ['letters'], ['status'], ['stats', 'training'], ['plan', 'checkin'], ['plan', 'status'], ['plan', 'checkin', 'S1-1-1', 'at_risk'], ['dashboard']]],
    ['1001', [['plan'], ['plan', 'checkin'], ['plan', 'bogus'], ['dashboard']]],
    ['3001', [['plan', 'status'], ['plan', 'status', '행정국'], ['report', 'plan'], ['report', 'plan', '2026-06-30']]],
  ];
  let presses = 0;
  const explore = async (who: string, where: string, reply: Reply, depth: number): Promise<void> => {
    record(where, reply);
    if (reply.kind === 'form') {
      // A letter with hostile text at the longest the form takes; any other form as it comes.
      const values = Object.fromEntries(reply.form.fields.map((f) => [f.id, f.initial ?? '']));
      if (reply.form.fields.some((f) => f.id === 'body')) Object.assign(values, { title: filled(TITLE_MAX, HOSTILE), body: filled(BODY_MAX, HOSTILE) });
      await explore(who, `${where} → submit`, await h.submit(who, reply.form.id, values), depth);
    }
    if (depth === 0) return;
    for (const button of buttonsOf(reply)) {
      if (presses++ >= MAX_PRESSES) return;
      await explore(who, `${where} → ${button.actionId}`, await h.press(who, button), depth - 1);
    }
  };
  for (const [who, commands] of sessions) {
    for (const [name, ...args] of commands) await explore(who, `${who}: ${[name, ...args].join(' ')}`, await h.command(who, name!, ...args), 2);
  }
  // What the outbox delivers: the letters and pledge campaigns opened above, as each member gets them.
  const scheduler = new Scheduler(h.services, planners);
  await scheduler.runDue();
  await scheduler.stop();
  const port = new FakePort('console');
  await new Dispatcher(h.services, [port], { composers, sleep: async () => undefined }).drainDue();
  port.sent.forEach((s, i) => samples.push({ where: `delivery ${i + 1}`, message: s.message }));
  // Once letters and pledges are out: what members and officers read about them, the Home tab, a newcomer's welcome.
  const after: Array<[string, string[]]> = [
    ['1001', ['letters']], ['1002', ['letters']], ['1001', ['me']], ['1001', ['pledge']], ['3001', ['announce', 'list']], ['3001', ['announce', 'status', '1']],
    ['3001', ['announce', 'remind', '1']], ['3001', ['announce', 'cancel', '2']], ['3001', ['status']], ['3001', ['pledge', 'status']], ['2001', ['announce', 'status', '1']],
    ['1002', ['pulse']], ['3001', ['pulse', 'close', '1']], ['3001', ['pulse', 'results', '1']], ['3001', ['export', 'pulses']], ['3001', ['stats']], ['3001', ['report', 'effect', 'letter:3']],
  ];
  for (const [who, [name, ...args]] of after) await explore(who, `${who} after deliveries: ${[name, ...args].join(' ')}`, await h.command(who, name!, ...args), 1);
  for (const type of ['app_home_opened', 'member_joined'] as const) {
    for (const who of ['1001', '1002', '3001']) record(`${who}: ${type}`, await h.engine.dispatch({ type, platform: 'console', actor: consoleActor(who), conversation: { id: 'c1', kind: 'dm' } }));
  }
  // The quiz and letter cards a delivered card leads to.
  for (const [i, s] of port.sent.entries()) {
    const who = s.recipient.kind === 'user' ? s.recipient.userId : '1001';
    for (const button of buttonsOf({ kind: 'ephemeral', message: s.message })) {
      if (presses++ >= MAX_PRESSES) break;
      record(`delivery ${i + 1} → ${button.actionId}`, await h.press(who, button));
    }
  }
}

/** Each card builder with its content at the longest content check allows, and hostile text. */
function atLimits(): void {
  const names = { topics: { ethics: both(() => filled(TITLE_TEXT_MAX)) }, laws: { graft: both(() => filled(TITLE_TEXT_MAX)) } };
  const question: Question = {
    id: 1,
    pack: 'core',
    slug: 'long',
    version: 1,
    topic: 'ethics',
    kind: 'choice' as Question['kind'],
    difficulty: 3,
    answerIndex: MAX_CHOICES - 1,
    body: {
      question: both(() => filled(QUESTION_TEXT_MAX, HOSTILE)),
      choices: Array.from({ length: MAX_CHOICES }, (_, i) => both(() => filled(CHOICE_TEXT_MAX, `${i + 1}. `))),
      explanation: both(() => filled(EXPLANATION_TEXT_MAX, HOSTILE)),
      basis: [{ law: 'graft', article: both(() => filled(TITLE_TEXT_MAX)), verify: true }],
    },
  };
  const pledge: Pledge = { id: 1, pack: 'core', slug: 'long', key: 'core:long', version: 1, audience: 'all' as Pledge['audience'], active: true, body: { title: both(() => filled(TITLE_TEXT_MAX, HOSTILE)), text: both(() => filled(PLEDGE_TEXT_MAX, HOSTILE)) } };
  const nudge = { pack: 'core', file: 'n.yaml', slug: 'long', topic: 'ethics', seasons: [], text: both(() => filled(NUDGE_TEXT_MAX, HOSTILE)), basis: question.body.basis } as NudgeItem;
  for (const locale of LOCALES) {
    const t = translator(locale);
    const at = (name: string, message: Message) => samples.push({ where: `${name} at limits (${locale})`, message });
    at('questionCard', questionCard(question, '2026-11-27', locale, t, names));
    at('resultCard wrong', resultCard({ question, chosen: 0, streak: 12 }, locale, t, names));
    at('resultCard right', resultCard({ question, chosen: MAX_CHOICES - 1, streak: 0 }, locale, t, names));
    at('alreadyAnsweredMessage', alreadyAnsweredMessage(t, 3));
    at('meCard', meCard(filled(TITLE_TEXT_MAX, HOSTILE), { streak: 1, daysAnswered: 0, correct: 0, monthAnswered: 0, monthWorkingDays: 20, answeredToday: false }, t));
    at('channelInvitation', channelInvitation(t));
    at('pledgeCard', pledgeCard(pledge, locale, t, { intro: filled(TITLE_TEXT_MAX, HOSTILE), dueOn: '2026-12-11' }));
    at('signedCard', signedCard(pledge, locale, t, '2026-11-27 09:30'));
    at('nudgeCard', nudgeCard(nudge, locale, t, names.laws));
    const progress = longPlan();
    at('planCard', planCard(t, locale, progress));
    at('statusCard', statusCard(t, locale, progress, progress.tasks, filled(TITLE_TEXT_MAX, HOSTILE)));
    at('checkinCard', checkinCard(t, locale, progress.plan, progress.tasks.map((p) => ({ task: p.task, period: '2026-11' })), filled(TITLE_TEXT_MAX, HOSTILE)));
    const planForm = checkinForm(t, locale, progress.tasks[0]!.task, 'at_risk', '2026-11', filled(TITLE_TEXT_MAX, HOSTILE));
    if (planForm.kind === 'form') samples.push({ where: `${locale} checkinForm`, form: planForm.form }, { where: `${locale} checkinForm fallback`, message: planForm.fallback });
  }
}

/** A plan at the file's limits: 3 strategies of 2 core tasks of 5 tasks, every text at its longest, every task with a long note. */
function longPlan(): PlanProgress {
  const title = (lead: string) => both(() => filled(PLAN_TITLE_MAX, lead));
  const nodes: PlanNode[] = [];
  const tasks: TaskProgress[] = [];
  const base = { owner: null, member: null, due: null, milestones: [], indicator: null };
  for (let s = 1; s <= 3; s++) {
    nodes.push({ ...base, id: `S${s}`, parent: null, level: 'strategy', title: title(HOSTILE) });
    for (let c = 1; c <= 2; c++) {
      nodes.push({ ...base, id: `S${s}-${c}`, parent: `S${s}`, level: 'core', title: title(HOSTILE) });
      for (let k = 1; k <= 5; k++) {
        const node: PlanNode = { ...base, id: `S${s}-${c}-${k}`, parent: `S${s}-${c}`, level: 'task', title: title(HOSTILE), owner: '행정국/감사과', due: '2026-12-15', milestones: ['03-31', '06-30', '09-30', '12-15'].map((d) => ({ due: `2026-${d}`, label: both(() => filled(PLAN_TEXT_MAX, HOSTILE)) })), indicator: { name: both(() => filled(PLAN_TEXT_MAX, HOSTILE)), target: 100, unit: '%', metric: 'pledge_completion' } };
        nodes.push(node);
        const checkin = { id: tasks.length + 1, plan_task_id: tasks.length + 1, plan_slug: 'p', task_key: node.id, period: '2026-11', status: 'at_risk', progress: 40, note: filled(NOTE_MAX, HOSTILE), evidence: filled(EVIDENCE_MAX, HOSTILE), answered_by: 1, day: '2026-11-27', created_at: '' };
        tasks.push({ task: { id: tasks.length + 1, key: node.id, node, departmentId: 1, departmentPath: '행정국/감사과', ownerMemberId: null }, checkin, status: 'late', progress: 40, overdue: true, missed: { ...node.milestones[2]!, target: 75 }, metric: { metric: 'pledge_completion', value: 12.5, target: 100, below: true } });
      }
    }
  }
  const plan = { id: 1, slug: 'p', version: 1, year: 2026, body: { title: title(HOSTILE), nodes } };
  const group = (node: PlanNode) => ({ node, tasks: tasks.filter((p) => p.task.key.startsWith(`${node.id}-`)), progress: 40 });
  return { plan, day: '2026-11-27', tasks, strategies: nodes.filter((n) => n.level === 'strategy').map((n) => ({ ...group(n), cores: nodes.filter((c) => c.parent === n.id).map(group) })) };
}

beforeAll(async () => {
  await drive();
  atLimits();
}, 120_000);
afterAll(async () => h?.close());

describe('Platform conformance of every card', () => {
  it('GIVEN the session WHEN it ran THEN it produced the cards of every feature (the check covers something)', () => {
    const messages = samples.filter((s) => s.message?.card);
    expect(messages.length).toBeGreaterThan(60);
    const titles = new Set(messages.map((s) => s.message!.card!.title ?? ''));
    expect(titles.size).toBeGreaterThan(15);
    expect(samples.some((s) => s.where.startsWith('delivery'))).toBe(true);
    // The training cards: a member's own, the statistics, and a reminder the schedule sent.
    expect([...titles].filter((title) => title.startsWith('🎓')).sort()).toEqual(['🎓 2026년 나의 청렴교육', '🎓 2026년 청렴교육 안내', '🎓 Anti-corruption training 2026', '🎓 청렴교육 이수 현황 · 전체 기관 · 2026년', '🎓 청렴교육 이수 현황 · 행정국 · 2026년']);
    expect(samples.some((s) => s.form)).toBe(true);
    expect(samples.some((s) => s.where.includes('→ submit'))).toBe(true);
    // The plan tracker's view, status, check-in card and the form its buttons open.
    expect(samples.some((s) => s.form?.id.includes('plan.checkin'))).toBe(true);
    for (const where of ['1001: plan', '3001: plan status', '2001: plan checkin → plan.status']) expect(samples.some((s) => s.where.startsWith(where)), where).toBe(true);
  });

  it('GIVEN every card WHEN rendered for Discord THEN the builders’ validators accept every embed and button, within 10 embeds and 6,000 in all, and nothing pings', () => {
    const problems = samples.filter((s) => s.message).flatMap((s) => discordProblems(s.message!).map((p) => `${s.where}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('GIVEN every card WHEN rendered for Slack THEN every block is within Block Kit’s limits, none is empty, and all mrkdwn is escaped', () => {
    const problems = samples.filter((s) => s.message).flatMap((s) => slackProblems(s.message!).map((p) => `${s.where}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('GIVEN every form WHEN rendered as a modal THEN Discord’s modal builder and Slack’s modal limits accept it', () => {
    const problems = samples.filter((s) => s.form).flatMap((s) => formProblems(s.form!).map((p) => `${s.where}: ${p}`));
    expect(problems).toEqual([]);
  });
});
