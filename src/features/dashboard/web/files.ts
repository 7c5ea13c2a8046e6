/**
 * The exports page and its downloads (the very files the command line writes: same builders, same
 * bytes), and the non-signer list. Both are for hr/admin; the routes refuse everyone else first.
 */
import type { Member } from '../../../db/schema.js';
import type { Services } from '../../../engine/context.js';
import { recordAudit, UNASSIGNED_DEPARTMENT } from '../../people/people.repository.js';
import { campaignAudience, campaignMembers, defaultAudience, openCampaigns, pledgeById, signedAmong } from '../../pledges/pledges.repository.js';
import { annualReport } from '../../stats/annual.js';
import { buildExport, EXPORT_FORMATS, EXPORT_KINDS, exportBase, isExportKind, shownPath, type ExportFormat } from '../../stats/exports.js';
import type { Attachment } from '../../../ui/card.js';
import type { PageStats, Viewer } from './data.js';
import { html, query, type SafeHtml } from '../../../ui/html.js';
import { page } from './layout.js';
import type { PageResult } from './server.js';

const FILE = /^(participation|topics|pledges|announcements|pulses)\.(csv|xlsx)$/;
const ANNUAL = /^annual-(\d{4})\.(xlsx|md)$/;

export function exportsPage(viewer: Viewer, stats: PageStats): SafeHtml {
  const { t } = viewer;
  if (!viewer.operator) return html`<p data-testid="exports-operators-only">${t('dashboard.exports.operators_only')}</p>`;
  const keep = query({ period: stats.periodParam });
  const year = Number(viewer.today.slice(0, 4));
  return html`<p>${t('dashboard.exports.intro', { from: stats.period.from, to: stats.period.to })}</p>
<table class="data"><thead><tr><th>${t('dashboard.exports.file')}</th>${EXPORT_FORMATS.map((f) => html`<th>${f.toUpperCase()}</th>`)}</tr></thead><tbody>${EXPORT_KINDS.map(
    (kind) => html`<tr><th scope="row">${t(`export.sheet.${kind}`)}</th>${EXPORT_FORMATS.map((format) => html`<td><a href="/dashboard/exports/${kind}.${format}${keep}" download data-export="${kind}.${format}">${kind}.${format}</a></td>`)}</tr>`,
  )}</tbody></table>
<h2>${t('dashboard.exports.annual')}</h2><ul>${[year, year - 1].map(
    (y) => html`<li>${y}: <a href="/dashboard/exports/annual-${y}.xlsx" download data-export="annual-${y}.xlsx">XLSX</a> · <a href="/dashboard/exports/annual-${y}.md" download data-export="annual-${y}.md">Markdown</a></li>`,
  )}</ul>`;
}

function fileResponse(file: Attachment): Response {
  const name = file.name.replace(/[^0-9A-Za-z._-]/g, '_');
  return new Response(file.data, {
    status: 200,
    headers: { 'content-type': file.contentType ?? 'application/octet-stream', 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' },
  });
}

/**
 * The downloads being built, per database, by what decides their bytes. The files are built on the
 * event loop (the annual report takes a second or two on a large organisation): a second click, or a
 * second officer asking for the same file meanwhile, waits for that build instead of stalling chat
 * and the other pages for another one.
 */
const building = new WeakMap<object, Map<string, Promise<unknown>>>();

function once<T>(db: object, key: string, build: () => Promise<T>): Promise<T> {
  const running = building.get(db) ?? new Map<string, Promise<unknown>>();
  building.set(db, running);
  const pending = running.get(key);
  if (pending) return pending as Promise<T>;
  const promise = build().finally(() => running.delete(key));
  running.set(key, promise);
  return promise;
}

/** Whether a file name is one of the downloads (an export or an annual report). */
export const isDownload = (fileName: string): boolean => FILE.test(fileName) || ANNUAL.test(fileName);

/**
 * What a HEAD request for a download or a list is told: that it is there, without building it or
 * logging a view that nobody saw (link scanners and prefetchers ask with HEAD).
 */
export const headOnly = (): Response => new Response(null, { status: 200, headers: { 'cache-control': 'no-store' } });

/** A download by file name, in the viewer's language; undefined for a name that is no export. */
export async function downloadExport(services: Services, viewer: Viewer, stats: PageStats, fileName: string): Promise<PageResult | undefined> {
  const source = stats.source();
  const file = FILE.exec(fileName);
  if (file && isExportKind(file[1])) {
    const kind = file[1];
    const format = file[2] as ExportFormat;
    const { period } = stats;
    const built = await once(services.db, `${kind}.${format}|${period.key}|${period.from}|${period.to}|${viewer.locale}|${viewer.today}`, () => buildExport(kind, format, { ...exportBase(source), period }));
    await recordAudit(services.db, { actorMemberId: viewer.member.id, actorLabel: viewer.member.name, action: 'export', details: { kind, format, period: stats.period.key, file: built.name, via: 'dashboard' }, nowIso: viewer.nowIso });
    return fileResponse(built);
  }
  const annual = ANNUAL.exec(fileName);
  if (annual) {
    const year = Number(annual[1]);
    // One build makes both files of the year.
    const built = await once(services.db, `annual|${year}|${viewer.locale}|${viewer.today}`, () => annualReport(year, exportBase(source)));
    await recordAudit(services.db, { actorMemberId: viewer.member.id, actorLabel: viewer.member.name, action: 'report.annual', details: { year, via: 'dashboard' }, nowIso: viewer.nowIso });
    return fileResponse(annual[2] === 'md' ? built.markdown : built.xlsx);
  }
  return undefined;
}

/**
 * Who has not signed a pledge's current version among those its open campaigns (or, without one, its
 * default audience) address: the list `/integrity pledge nonsigners` gives, audit-logged the same way.
 */
export async function nonSignersPage(services: Services, viewer: Viewer, pledgeId: number | undefined, head = false): Promise<PageResult | undefined> {
  const pledge = pledgeId === undefined ? undefined : await pledgeById(services.db, pledgeId);
  if (!pledge || !pledge.active) return undefined;
  if (head) return headOnly();
  const { t } = viewer;
  const campaigns = await openCampaigns(services.db, pledge.key);
  const audiences = campaigns.length > 0 ? campaigns.map(campaignAudience) : [defaultAudience(pledge)];
  const addressed = new Map<number, Member>();
  for (const audience of audiences) for (const m of await campaignMembers(services.db, audience, pledge)) addressed.set(m.id, m);
  const members = [...addressed.values()];
  const signed = await signedAmong(services.db, pledge.id, members.map((m) => m.id));
  const paths = new Map((await services.db.selectFrom('departments').select(['id', 'path']).execute()).map((d) => [d.id, d.path]));
  const missing = members
    .filter((m) => !signed.has(m.id))
    .map((m) => ({ m, path: paths.get(m.department_id) ?? UNASSIGNED_DEPARTMENT }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.m.name < b.m.name ? -1 : a.m.name > b.m.name ? 1 : 0));
  await recordAudit(services.db, { actorMemberId: viewer.member.id, actorLabel: viewer.member.name, action: 'pledge.non_signers', details: { pledge: pledge.key, listed: missing.length, via: 'dashboard' }, nowIso: viewer.nowIso });
  const title = t('pledge.non_signers.title', { title: pledge.body.title[viewer.locale], count: missing.length });
  const body = missing.length === 0
    ? html`<p>${t('pledge.non_signers.none')}</p>`
    : html`<p class="note">${t('dashboard.non_signers.note')}</p><table class="data"><thead><tr><th>${t('export.col.name')}</th><th>${t('export.col.employee_no')}</th><th>${t('export.col.department')}</th></tr></thead><tbody>${missing.map(
        ({ m, path }) => html`<tr><td>${m.name}</td><td>${m.employee_no ?? '–'}</td><td>${shownPath(t, path)}</td></tr>`,
      )}</tbody></table>`;
  return { status: 200, body: page({ viewer, page: 'non-signers', title, period: undefined, body }) };
}
