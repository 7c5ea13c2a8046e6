/**
 * The year's effect reports for the evidence pack: every campaign with a holdout whose outcome window
 * ended in the year (its last day in the year, and the window closed by the day the pack is made),
 * each as the holdout feature's own report gives it (effectReport, effectFields): nothing is computed
 * again here, and a comparison with a group below the minimum size stays hidden as it does there.
 */
import { addDays } from '../../time.js';
import { markdownCell } from '../../ui/text.js';
import { UserError } from '../../engine/errors.js';
import { outcomeWindow } from '../holdout/holdout.js';
import { effectFields, effectReport } from '../holdout/holdout.report.js';
import { allCampaigns, type CampaignRow } from '../holdout/holdout.repository.js';
import type { PackContext } from './evidence.js';

/** How `report effect` names a campaign: a schedule's name, or letter:<id>. */
const campaignName = (c: CampaignRow) => c.key.replace(/^schedule:/, '');

/** Campaigns whose window's last day falls in the year and has passed by `today`, oldest end first. */
export async function endedCampaigns(pack: PackContext): Promise<CampaignRow[]> {
  const from = `${pack.year}-01-01`;
  const to = `${pack.year}-12-31`;
  const ended = (await allCampaigns(pack.source.db))
    .filter((c) => c.start_day !== null)
    .map((c) => ({ c, window: outcomeWindow(c.start_day!, c.weeks) }))
    .filter(({ window }) => {
      const last = addDays(window.to, -1);
      return last >= from && last <= to && window.to <= pack.source.today;
    });
  ended.sort((a, b) => (a.window.to < b.window.to ? -1 : a.window.to > b.window.to ? 1 : a.c.key < b.c.key ? -1 : a.c.key > b.c.key ? 1 : 0));
  return ended.map(({ c }) => c);
}


export async function effectReports(pack: PackContext): Promise<Uint8Array> {
  const { t } = pack.ctx;
  const { source } = pack;
  const min = source.config.minGroupSize;
  const lines = [`# ${t('evidence.effect.title', { year: pack.year })}`, '', t('evidence.effect.scope', { year: pack.year, min }), ''];
  let shown = 0;
  for (const campaign of await endedCampaigns(pack)) {
    let report;
    try {
      report = await effectReport({ db: source.db, t, today: source.today, config: { minGroupSize: min } }, campaignName(campaign));
    } catch (error) {
      // Declared with a start but never sent to anyone: there is nothing to compare.
      if (error instanceof UserError && error.code === 'holdout.report.not_started') continue;
      throw error;
    }
    const fields = effectFields(t, report, source.today, min);
    lines.push(`## ${fields.title}`, '', `| ${t('report.col.item')} | ${t('report.col.value')} |`, '|---|---|', ...fields.fields.map((f) => `| ${markdownCell(f.label)} | ${markdownCell(f.value)} |`), '', ...fields.notes.map((n) => `> ${n}`), '');
    shown++;
  }
  if (shown === 0) lines.push(t('evidence.effect.none', { year: pack.year }), '');
  pack.notes.push(t('evidence.note.effect', { count: shown }));
  return new TextEncoder().encode(lines.join('\n'));
}
