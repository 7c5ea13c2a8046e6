/** Edge cases of pledge campaigns and letters: concurrent opens, "due", a manager without a department. */
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/engine/events.js';
import type { Reply } from '../../src/engine/reply.js';
import { DIALECTS } from '../support/databases.js';
import { createHarness, SHIPPED_CONTENT, type Harness } from '../support/harness.js';

let h: Harness;
afterEach(async () => h?.close());

const errorOf = (reply: Reply) => (reply.kind === 'ephemeral' ? reply.error?.code : undefined);

describe.each(DIALECTS)('%s: pledge and letter edge cases', (dialect) => {
  it('GIVEN two opens of the same campaign at once THEN one campaign and one set of deliveries exist', async () => {
    h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT] });
    const replies = await Promise.all([h.command('3001', 'pledge', 'open', 'all-staff'), h.command('3001', 'pledge', 'open', 'all-staff')]);
    expect(replies.map(errorOf).sort()).toEqual([undefined, 'pledge.error.already_open'].sort());
    expect(await h.services.db.selectFrom('pledge_campaigns').selectAll().execute()).toHaveLength(1);
    const deliveries = await h.services.db.selectFrom('deliveries').select('member_id').execute();
    expect(new Set(deliveries.map((d) => d.member_id)).size).toBe(deliveries.length);
  });

  it('GIVEN "due 2026-12-31" as the usage reads THEN the word is skipped and the date is the due date', async () => {
    h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT] });
    expect(errorOf(await h.command('3001', 'pledge', 'open', 'all-staff', 'due', '2026-12-31'))).toBeUndefined();
    const [campaign] = await h.services.db.selectFrom('pledge_campaigns').selectAll().execute();
    expect(campaign!.due_on).toBe('2026-12-31');
  });

  it('GIVEN a manager known only from chat (no department yet) THEN they cannot address anyone, all staff included', async () => {
    h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT] });
    const event = (partial: Partial<InboundEvent>) =>
      ({ platform: 'slack', actor: { platform: 'slack', workspace: 'T1', userId: 'U9', displayName: 'new', hints: { roles: ['manager'] } }, conversation: { id: 'D9', kind: 'dm' }, ...partial }) as InboundEvent;
    const form = await h.engine.dispatch(event({ type: 'command', name: 'announce', args: [] } as Partial<InboundEvent>));
    if (form.kind !== 'form') throw new Error('expected a form');
    for (const audience of ['all', '행정국']) {
      const reply = await h.engine.dispatch(event({ type: 'submit', formId: form.form.id, fields: { title: 't', body: 'b', audience, ack: '예', send: '지금' } } as Partial<InboundEvent>));
      expect(errorOf(reply), audience).toBe('audience.error.no_department');
    }
    expect(await h.services.db.selectFrom('announcements').selectAll().execute()).toHaveLength(0);
  });
});
