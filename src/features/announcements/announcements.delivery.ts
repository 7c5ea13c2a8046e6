/** Leadership messages and their reminders through the outbox, written for each recipient when sent. */
import type { Composer } from '../../delivery/dispatcher.js';
import { translator } from '../../i18n/index.js';
import { effectiveLocale } from '../people/people.js';
import { departmentById, memberById, UNASSIGNED_DEPARTMENT } from '../people/people.repository.js';
import { announcementCard } from './announcements.cards.js';
import { acknowledgementOf, announcementById } from './announcements.repository.js';

async function compose(services: Parameters<Composer>[0], outgoing: Parameters<Composer>[1], reminder: boolean) {
  const { member, jobRun } = outgoing;
  if (!member) return null;
  const id = (JSON.parse(jobRun.payload) as { announcementId?: number }).announcementId;
  const announcement = id === undefined ? undefined : await announcementById(services.db, id);
  // A message cancelled after it was planned is not sent; nor a reminder to someone who has read it.
  if (!announcement || announcement.status === 'cancelled' || announcement.status === 'draft') return null;
  if (reminder && (await acknowledgementOf(services.db, announcement.id, member.id))) return null;
  const t = translator(effectiveLocale(member, services.config.locale));
  const author = await memberById(services.db, announcement.author_member_id);
  const department = author ? await departmentById(services.db, author.department_id) : undefined;
  const departmentName = !department || department.path === UNASSIGNED_DEPARTMENT ? t('department.unassigned') : department.path;
  return announcementCard(announcement, author ? `${author.name} · ${departmentName}` : '', t, reminder ? { intro: t('announce.reminder_intro') } : {});
}

export const composeAnnouncement: Composer = (services, outgoing) => compose(services, outgoing, false);
export const composeAnnouncementReminder: Composer = (services, outgoing) => compose(services, outgoing, true);
