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

export type MemberSource = 'roster' | 'enrolled';

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

export type ScheduleKind = 'quiz' | 'nudge' | 'pledge_reminder' | 'announcement' | 'digest';

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

export interface Database {
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
