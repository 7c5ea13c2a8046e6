import type { Announcement } from '../../db/schema.js';
import type { Translator } from '../../i18n/index.js';
import { encodeAction } from '../../ui/actionId.js';
import { buttons, context, text, type Block, type Message } from '../../ui/card.js';

export const ACK_ACTION = 'announce.ack';
export const SEND_ACTION = 'announce.send';
export const DISCARD_ACTION = 'announce.discard';
export const FORM_NAME = 'announce.form';

/** The message as its recipients see it; `signature` names the author and their department. */
export function announcementCard(announcement: Announcement, signature: string, t: Translator, options: { intro?: string; acknowledgedAt?: string } = {}): Message {
  const blocks: Block[] = [];
  if (options.intro) blocks.push(context(options.intro));
  blocks.push(text(announcement.body), context(signature));
  if (announcement.ack_required === 1) {
    blocks.push(
      buttons([
        options.acknowledgedAt
          ? { actionId: encodeAction(ACK_ACTION, [announcement.id, 'done']), label: t('announce.acknowledged_button'), disabled: true }
          : { actionId: encodeAction(ACK_ACTION, [announcement.id]), label: t('announce.ack_button'), style: 'primary' },
      ]),
    );
    if (options.acknowledgedAt) blocks.push(context(t('announce.acknowledged_at', { time: options.acknowledgedAt })));
  }
  return { text: t('announce.notification', { title: announcement.title }), card: { title: `📢 ${announcement.title}`, blocks } };
}
