import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { channelRecipient, memberRecipient, type PlannedRecipient } from '../delivery/outbox.repository.js';
import { resolveAudience, type Schedule } from './schedules.repository.js';
import { scheduleCampaignKey, withoutHeldOut } from '../features/holdout/holdout.repository.js';
import type { SlotInfo } from './scheduler.js';

/** Any running chat platform: a channel named without its platform goes to the first one running. */
export const ANY_PLATFORM = '*';

/**
 * The outbox rows a schedule's slot needs: one per member of its audience (but those its campaign
 * holds out), or one channel post.
 */
export async function audienceRecipients(trx: Transaction<Database>, schedule: Schedule, slot: SlotInfo): Promise<PlannedRecipient[]> {
  if (schedule.delivery.kind === 'channel') {
    return [{ memberId: null, recipient: channelRecipient(schedule.delivery.platform ?? ANY_PLATFORM, schedule.delivery.channelId) }];
  }
  const members = await withoutHeldOut(trx, scheduleCampaignKey(schedule.name), await resolveAudience(trx, schedule.audience), slot.day, slot.instant.toISOString());
  return members.map((m) => ({ memberId: m.id, recipient: memberRecipient(m.id) }));
}
