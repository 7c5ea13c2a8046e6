/**
 * The training ledger of a year as a workbook, for the officer and the evidence pack: the figures
 * (completion against the roster, new hires, promoted staff, face-to-face share, the head), every
 * session with its attendance, and each person's standing. Probity's quiz is not in it: it is not
 * the statutory training and is never counted as such.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Translator } from '../../i18n/index.js';
import type { Attachment } from '../../ui/card.js';
import type { CsvCell } from '../stats/csv.js';
import { figureText, percentCell, shownPath } from '../stats/exports.js';
import { toXlsx, type XlsxSheet } from '../stats/xlsx.js';
import { isWithin } from '../people/audience.js';
import { ANNUAL_MINUTES, type FaceToFace } from './training.js';
import { sessionsOf } from './training.repository.js';
import { statusesFor, trainingFigures } from './training.stats.js';

export interface LedgerOptions {
  year: number;
  /** The last day counted: the year's end, or today in the current year. */
  asOf: string;
  minGroupSize: number;
  newHireDays: number;
  /** One department's subtree (its id and path); the whole organisation when absent. */
  department?: { id: number; path: string };
  fixedDate?: Date;
}

function faceToFaceCell(t: Translator, f: FaceToFace): CsvCell {
  if (!f.required) return null;
  return f.met ? t('training.f2f.met') : t('training.f2f.due', { due: f.due });
}

export async function trainingSheets(db: Kysely<Database>, t: Translator, options: LedgerOptions): Promise<XlsxSheet[]> {
  const { year, asOf } = options;
  const scope = options.department;
  const figures = await trainingFigures(db, { year, asOf, departmentId: scope?.id ?? null, minGroupSize: options.minGroupSize, newHireDays: options.newHireDays });
  const hidden = t('stats.hidden');
  const rate = (r: typeof figures.complete): CsvCell => (r.suppressed ? hidden : r.denominator === 0 ? '–' : `${figureText(r, hidden)} (${r.numerator}/${r.denominator})`);
  const summary: CsvCell[][] = [
    [t('report.row.period'), `${year}-01-01 ~ ${asOf}`],
    [t('export.col.department'), scope ? shownPath(t, scope.path) : t('stats.organisation')],
    [t('training.ledger.basis'), t('training.ledger.basis_text', { required: ANNUAL_MINUTES })],
    [t('stats.headcount'), figures.headcount],
    [t('training.stats.complete'), rate(figures.complete)],
    [t('training.stats.minutes_met', { required: ANNUAL_MINUTES }), rate(figures.minutesMet)],
    [t('training.stats.new_hires', { count: figures.newHires.count }), rate(figures.newHires.met)],
    [t('training.stats.promoted', { count: figures.promoted.count }), rate(figures.promoted.met)],
    [t('training.stats.face_to_face'), figures.faceToFace.suppressed ? hidden : percentCell(figures.faceToFace)],
    ...(scope ? [] : [[t('training.stats.head'), figures.head === null ? t('training.stats.head_unknown') : figures.head.attended ? t('training.stats.head_attended', { minutes: figures.head.minutes }) : t('training.stats.head_absent')]]),
    [t('training.ledger.quiz_note_label'), t('training.ledger.quiz_note')],
  ];
  const sessions = await sessionsOf(db, year);
  const people = (await statusesFor(db, year, asOf, options.newHireDays)).filter((s) => !scope || isWithin(s.person.path, scope.path));
  const yesNo = (v: boolean) => (v ? t('training.ledger.yes') : t('training.ledger.no'));
  return [
    { name: t('training.ledger.sheet.summary'), header: [t('report.col.item'), t('report.col.value')], rows: summary },
    {
      name: t('training.ledger.sheet.sessions'),
      header: [t('export.col.id'), t('export.col.day'), t('export.col.title'), t('training.ledger.col.kind'), t('training.ledger.col.minutes'), t('training.ledger.col.attendees')],
      rows: sessions.map((s) => [s.id, s.day, s.title, t(`training.kind.${s.kind}` as 'training.kind.online'), s.minutes, s.attendees]),
    },
    {
      name: t('training.ledger.sheet.people'),
      header: [
        t('export.col.department'),
        t('export.col.name'),
        t('export.col.employee_no'),
        t('training.ledger.col.minutes'),
        t('training.ledger.col.f2f_minutes'),
        t('training.stats.minutes_met', { required: ANNUAL_MINUTES }),
        t('training.me.new_hire'),
        t('training.me.promoted'),
        t('training.ledger.col.complete'),
      ],
      rows: people.map(({ person, status }) => [
        shownPath(t, person.path),
        person.name,
        person.employeeNo,
        status.minutes,
        status.faceToFaceMinutes,
        yesNo(status.minutesMet),
        faceToFaceCell(t, status.newHire),
        faceToFaceCell(t, status.promoted),
        yesNo(status.complete),
      ]),
    },
  ];
}

export async function trainingLedger(db: Kysely<Database>, t: Translator, options: LedgerOptions): Promise<Attachment> {
  return {
    name: `probity-training-${options.year}${options.department ? `-${options.department.id}` : ''}.xlsx`,
    data: await toXlsx(await trainingSheets(db, t, options), options.fixedDate ? { fixedDate: options.fixedDate } : {}),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
}
