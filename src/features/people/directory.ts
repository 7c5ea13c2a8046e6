/**
 * Directory sync: a platform's user list matched to the roster. Matched people get their chat account
 * linked; people the roster does not know are enrolled in the unassigned department for the admin to
 * place; bots and deactivated users are ignored.
 */
import type { Services } from '../../engine/context.js';
import type { Actor, Platform } from '../../engine/events.js';
import { accountFor, linkAccount, memberByEmail } from './people.repository.js';
import { resolveMember } from './people.js';

export interface DirectoryUser {
  userId: string;
  displayName: string;
  email: string | undefined;
  isBot: boolean;
  deleted: boolean;
  /** Roles from platform groups, for people the roster does not know. */
  hints?: Actor['hints'];
}

export interface DirectorySummary {
  linked: number;
  alreadyLinked: number;
  enrolled: number;
  ignored: number;
  /** Enrolled people, for the admin to place in a department. */
  unassigned: string[];
}

export async function syncDirectory(services: Services, platform: Platform, workspace: string, users: readonly DirectoryUser[]): Promise<DirectorySummary> {
  const summary: DirectorySummary = { linked: 0, alreadyLinked: 0, enrolled: 0, ignored: 0, unassigned: [] };
  const nowIso = services.clock.now().toISOString();
  for (const user of users) {
    if (user.isBot || user.deleted) {
      summary.ignored++;
      continue;
    }
    const actor: Actor = { platform, workspace, userId: user.userId, displayName: user.displayName, ...(user.email ? { email: user.email } : {}), ...(user.hints ? { hints: user.hints } : {}) };
    if (await accountFor(services.db, actor)) {
      // Resolving applies group roles to people the roster does not know.
      if (user.hints) await resolveMember(services, actor, nowIso);
      summary.alreadyLinked++;
      continue;
    }
    const rosterMember = user.email ? await memberByEmail(services.db, user.email) : undefined;
    if (rosterMember) {
      await linkAccount(services.db, rosterMember.id, actor, nowIso);
      summary.linked++;
    } else {
      await resolveMember(services, actor, nowIso);
      summary.enrolled++;
      summary.unassigned.push(user.displayName);
    }
  }
  services.log.info({ platform, ...summary, unassigned: summary.unassigned.length }, 'directory synced');
  return summary;
}
