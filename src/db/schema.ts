/**
 * One interface per table. Times are ISO-8601 UTC text; `day` columns are the organisation-local
 * calendar day (YYYY-MM-DD) that statistics group by. Booleans are integers (0/1) so the same SQL
 * runs on SQLite and PostgreSQL.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface DepartmentTable {
  id: Generated<number>;
  name: string;
  parent_id: number | null;
  /** Full path from the root, segments joined by '/': unique. */
  path: string;
  created_at: string;
}

/**
 * Where a member came from: the roster file, enrolment on first contact in chat, or the console's own
 * local administrator ('operator'), who runs a trial install and is not one of the organisation's staff.
 */
export type MemberSource = 'roster' | 'enrolled' | 'operator';

export interface MemberTable {
  id: Generated<number>;
  employee_no: string | null;
  name: string;
  email: string | null;
  department_id: number;
  /** ';'-separated roles, e.g. "employee;hr". */
  roles: string;
  /** The roster's language for this person, if it names one. */
  locale: string | null;
  /** The language the person chose themselves; wins over `locale`. */
  preferred_locale: string | null;
  source: MemberSource;
  joined_on: string;
  left_on: string | null;
  created_at: string;
  updated_at: string;
  /** The day of the member's latest promotion, from the roster's optional promoted_on column. */
  promoted_on: Generated<string | null>;
  /** 1 for the head of the organisation (기관장), from the roster's optional head column. */
  is_head: Generated<number>;
}

export interface MemberAccountTable {
  id: Generated<number>;
  member_id: number;
  platform: string;
  workspace: string;
  platform_user_id: string;
  display_name: string | null;
  linked_at: string;
  /** The direct-message channel the platform opened for this account, once known. */
  dm_channel_id: Generated<string | null>;
  /** 1 when the person asked for DMs on a platform that sends them only on request (Discord). */
  dm_opt_in: Generated<number>;
}

export interface QuestionTable {
  id: Generated<number>;
  pack: string;
  slug: string;
  version: number;
  topic: string;
  kind: 'choice' | 'ox';
  difficulty: number;
  choice_count: number;
  /** 0-based index of the right choice (O = 0, X = 1 for ox items). */
  answer_index: number;
  /** SHA-256 of the item's canonical JSON: a changed item is a new version. */
  content_hash: string;
  /** The item as JSON: question, choices, explanation and basis in every locale. */
  body: string;
  active: number;
  created_at: string;
}

export interface QuizAssignmentTable {
  id: Generated<number>;
  member_id: number;
  quiz_day: string;
  question_id: number;
  assigned_at: string;
}

export interface QuizAnswerTable {
  id: Generated<number>;
  member_id: number;
  question_id: number;
  quiz_day: string;
  choice_index: number;
  correct: number;
  platform: string;
  answered_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  occurred_at: string;
  /** null for the command line and the system itself. */
  actor_member_id: number | null;
  actor_label: string;
  action: string;
  /** JSON with what was done and to how many people. */
  details: string;
}

export type ScheduleKind = 'quiz' | 'nudge' | 'pledge_reminder' | 'pulse_reminder' | 'training_reminder' | 'plan_checkin' | 'announcement' | 'digest' | SystemScheduleKind;

/** Kinds of the reserved schedules that carry one-off sends (campaigns, messages); never in the file. */
export type SystemScheduleKind = 'pledge' | 'announcement_reminder' | 'pulse';

export interface PledgeReminderTable {
  id: Generated<number>;
  campaign_id: number;
  member_id: number;
  job_run_id: number;
  day: string;
}

export interface ScheduleTable {
  id: Generated<number>;
  name: string;
  kind: ScheduleKind;
  cron: string;
  timezone: string;
  audience: string;
  delivery: string;
  working_days_only: number;
  enabled: number;
  paused: number;
  created_at: string;
  updated_at: string;
}

export type JobRunStatus = 'planned' | 'skipped' | 'missed';

export interface JobRunTable {
  id: Generated<number>;
  schedule_id: number;
  slot: string;
  day: string;
  status: JobRunStatus;
  reason: string | null;
  planned: number;
  payload: string;
  created_at: string;
}

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface DeliveryTable {
  id: Generated<number>;
  job_run_id: number;
  member_id: number | null;
  recipient: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  platform: string | null;
  message_ref: string | null;
  error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface PledgeTable {
  id: Generated<number>;
  pack: string;
  slug: string;
  version: number;
  audience: string;
  content_hash: string;
  body: string;
  active: number;
  created_at: string;
}

export interface PledgeCampaignTable {
  id: Generated<number>;
  pack: string;
  slug: string;
  audience: string;
  due_on: string | null;
  opened_by: number | null;
  opened_at: string;
  day: string;
  recipients: number;
  closed_at: string | null;
}

export interface PledgeSignatureTable {
  id: Generated<number>;
  member_id: number;
  pledge_id: number;
  campaign_id: number | null;
  signed_at: string;
  day: string;
  platform: string;
  platform_user_id: string;
  locale: string;
  text_hash: string;
}

export type AnnouncementStatus = 'draft' | 'scheduled' | 'sent' | 'cancelled';

export interface AnnouncementTable {
  id: Generated<number>;
  author_member_id: number;
  title: string;
  body: string;
  audience: string;
  ack_required: number;
  status: AnnouncementStatus;
  template: string | null;
  send_at: string | null;
  day: string | null;
  recipients: number;
  created_at: string;
  confirmed_at: string | null;
  /** A legally required letter: reaches its whole audience, never has a holdout. */
  mandatory: Generated<number>;
}

export interface AcknowledgementTable {
  id: Generated<number>;
  announcement_id: number;
  member_id: number;
  acknowledged_at: string;
  day: string;
  platform: string;
}

/** A campaign with a holdout group and its pre-declared outcome (src/features/holdout). */
export interface CampaignTable {
  id: Generated<number>;
  key: string;
  source: 'schedule' | 'letter';
  holdout: number;
  outcome: string;
  topic: string | null;
  weeks: number;
  start_day: string | null;
  treatment: string | null;
  active: number;
  created_at: string;
}

export interface HoldoutAssignmentTable {
  campaign_id: number;
  member_id: number;
  department_id: number;
  held_out: number;
  assigned_at: string;
}

export interface Database {
  pledges: PledgeTable;
  pledge_campaigns: PledgeCampaignTable;
  pledge_signatures: PledgeSignatureTable;
  pledge_reminders: PledgeReminderTable;
  announcements: AnnouncementTable;
  acknowledgements: AcknowledgementTable;
  departments: DepartmentTable;
  members: MemberTable;
  member_accounts: MemberAccountTable;
  questions: QuestionTable;
  quiz_assignments: QuizAssignmentTable;
  quiz_answers: QuizAnswerTable;
  audit_log: AuditLogTable;
  schedules: ScheduleTable;
  job_runs: JobRunTable;
  deliveries: DeliveryTable;
  member_departments: MemberDepartmentTable;
  stats_member_years: StatsMemberYearTable;
  stats_topics: StatsTopicTable;
  stats_state: StatsStateTable;
  stats_job_runs: StatsJobRunTable;
  stats_deliveries: StatsDeliveryTable;
  stats_announcements: StatsAnnouncementTable;
  stats_announcement_departments: StatsAnnouncementDepartmentTable;
  pulses: PulseTable;
  pulse_runs: PulseRunTable;
  pulse_responses: PulseResponseTable;
  pulse_answers: PulseAnswerTable;
  pulse_reminders: PulseReminderTable;
  training_sessions: TrainingSessionTable;
  training_attendance: TrainingAttendanceTable;
  training_reminders: TrainingReminderTable;
  plans: PlanTable;
  plan_tasks: PlanTaskTable;
  plan_checkins: PlanCheckinTable;
  plan_reminders: PlanReminderTable;
  campaigns: CampaignTable;
  holdout_assignments: HoldoutAssignmentTable;
  dashboard_links: DashboardLinkTable;
  dashboard_sessions: DashboardSessionTable;
}

export type Department = Selectable<DepartmentTable>;
export type Member = Selectable<MemberTable>;
export type NewMember = Insertable<MemberTable>;
export type MemberUpdate = Updateable<MemberTable>;
export type MemberAccount = Selectable<MemberAccountTable>;
export type QuestionRow = Selectable<QuestionTable>;
export type QuizAnswer = Selectable<QuizAnswerTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type ScheduleRow = Selectable<ScheduleTable>;
export type JobRun = Selectable<JobRunTable>;
export type Delivery = Selectable<DeliveryTable>;
export type PledgeRow = Selectable<PledgeTable>;
export type PledgeCampaign = Selectable<PledgeCampaignTable>;
export type PledgeSignature = Selectable<PledgeSignatureTable>;
export type Announcement = Selectable<AnnouncementTable>;
export type Acknowledgement = Selectable<AcknowledgementTable>;

/** A member's department from `from_day` until the day before `to_day` (null: still there). */
export interface MemberDepartmentTable {
  id: Generated<number>;
  member_id: number;
  department_id: number;
  from_day: string;
  to_day: string | null;
}

/** A member's answers in one calendar year, one character per day of the year (see stats/answerDays.ts). */
export interface StatsMemberYearTable {
  member_id: number;
  year: number;
  days: string;
}

export interface StatsTopicTable {
  code: number;
  topic: string;
}

export interface StatsStateTable {
  name: string;
  value: string;
}

export interface StatsJobRunTable {
  job_run_id: number;
  day: string;
}

export interface StatsDeliveryTable {
  id: Generated<number>;
  job_run_id: number;
  day: string;
  department_id: number | null;
  sent: number;
  failed: number;
  skipped: number;
}

export interface StatsAnnouncementTable {
  announcement_id: number;
  /** 1 when none of its outbox rows was still pending or being sent when it was counted. */
  settled: number;
}

export interface StatsAnnouncementDepartmentTable {
  announcement_id: number;
  department_id: number;
  /** The letter's audience in the department (see announcements.repository.ts audienceTallies). */
  recipients: number;
  acknowledged: number;
  /** Of that audience, those the letter could not be delivered to. */
  failed: Generated<number>;
}

export interface PulseTable {
  id: Generated<number>;
  pack: string;
  slug: string;
  version: number;
  content_hash: string;
  body: string;
  active: number;
  created_at: string;
}

export interface PulseRunTable {
  id: Generated<number>;
  pulse_id: number;
  audience: string;
  closes_on: string | null;
  opened_by: number | null;
  opened_at: string;
  day: string;
  recipients: number;
  closed_at: string | null;
  min_group_size: number | null;
}

/** Who responded to a run (for reminders and the response rate); never what they answered. */
export interface PulseResponseTable {
  id: Generated<number>;
  run_id: number;
  member_id: number;
  department_id: number;
  day: string;
}

/**
 * One answer to one item: no member, no account, no time, a random id; the department only at a
 * level shared by at least the minimum group size of respondents once the run is closed.
 */
export interface PulseAnswerTable {
  id: string;
  run_id: number;
  item: number;
  value: number;
  department_id: number | null;
}

export interface PulseReminderTable {
  id: Generated<number>;
  run_id: number;
  member_id: number;
  job_run_id: number;
  day: string;
}

export type PulseRow = Selectable<PulseTable>;
export type PulseRun = Selectable<PulseRunTable>;

export type TrainingKind = 'face_to_face' | 'online' | 'elearning';

export interface TrainingSessionTable {
  id: Generated<number>;
  day: string;
  title: string;
  kind: TrainingKind;
  minutes: number;
  created_at: string;
  created_by: string;
}

export interface TrainingAttendanceTable {
  id: Generated<number>;
  session_id: number;
  member_id: number;
  recorded_at: string;
}

export interface TrainingReminderTable {
  id: Generated<number>;
  year: number;
  member_id: number;
  job_run_id: number;
  day: string;
}

export type TrainingSession = Selectable<TrainingSessionTable>;
/** The integrity plan, versioned like pulses; `year` is the plan's year. */
export interface PlanTable extends PulseTable {
  year: number;
}

/** A detailed task of one plan version, its owners resolved against the roster. */
export interface PlanTaskTable {
  id: Generated<number>;
  plan_id: number;
  task_key: string;
  owner_department_id: number;
  owner_member_id: number | null;
}

export interface PlanCheckinTable {
  id: Generated<number>;
  plan_task_id: number;
  plan_slug: string;
  task_key: string;
  period: string;
  status: string;
  progress: number;
  note: string | null;
  evidence: string | null;
  answered_by: number;
  day: string;
  created_at: string;
}

export interface PlanReminderTable {
  id: Generated<number>;
  plan_task_id: number;
  member_id: number;
  job_run_id: number;
  period: string;
}

export type PlanRow = Selectable<PlanTable>;
export type PlanCheckin = Selectable<PlanCheckinTable>;
/** A one-time sign-in link to the web dashboard: only the token's SHA-256 is kept. */
export interface DashboardLinkTable {
  id: Generated<number>;
  token_hash: string;
  member_id: number;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** A signed-in dashboard browser: only the cookie's SHA-256 is kept; roles are read from members. */
export interface DashboardSessionTable {
  id: Generated<number>;
  session_hash: string;
  member_id: number;
  locale: string | null;
  created_at: string;
  last_seen_at: string;
}
