/**
 * A test-only engine whose replies carry files, for the adapters' end-to-end tests: the real Engine
 * (member resolution, locale, error boundary) with one extra command and one extra action, and none
 * of the product's commands: `/integrity files` (an ephemeral reply), `files-post` (a post for the
 * conversation), `files-big` (plus a 1.5 MiB export), `files-many` (twelve files). Variants are
 * command names, not arguments, because Discord only passes the options a command declares.
 */
import { Engine } from '../../src/engine/engine.js';
import type { Services } from '../../src/engine/context.js';
import { ephemeral, post, replace, type Reply } from '../../src/engine/reply.js';
import { EVERYONE, type ActionRoute, type CommandRoute } from '../../src/engine/routes.js';
import { encodeAction } from '../../src/ui/actionId.js';
import { buttons, text, type Attachment, type Message } from '../../src/ui/card.js';

/** A real PNG signature and IHDR start, then filler: the adapters must not touch a byte. */
export const PNG_BYTES = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, ...Array.from({ length: 240 }, (_, i) => (i * 37) % 256)]);
/** UTF-8 with a BOM, as Excel wants Korean CSV. */
export const CSV_BYTES = new TextEncoder().encode('\ufeff부서,참여율\n감사과,92%\n총무과,85%\n');
/** 1.5 MiB: over the 1 MiB limit the Discord tests give their interactions. */
export const BIG_BYTES = new Uint8Array(1.5 * 1024 * 1024).fill(7);

export const png = (): Attachment => ({ name: 'participation.png', data: PNG_BYTES, contentType: 'image/png', title: '부서별 참여율' });
export const csv = (): Attachment => ({ name: 'participation.csv', data: CSV_BYTES, contentType: 'text/csv' });
export const big = (): Attachment => ({ name: 'roster-export.xlsx', data: BIG_BYTES, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });

export const FILES_ACTION = encodeAction('test.files');

export function filesMessage(args: readonly string[]): Message {
  const files = [png(), csv()];
  if (args.includes('big')) files.push(big());
  if (args.includes('many')) for (let i = 1; i <= 10; i++) files.push({ name: `part-${i}.csv`, data: new TextEncoder().encode(`n\n${i}\n`), contentType: 'text/csv' });
  return {
    text: '참여 통계 보고서',
    card: { title: '참여 통계', blocks: [text('부서별 참여율 차트와 자료입니다.'), buttons([{ actionId: FILES_ACTION, label: '다시 받기' }])] },
    files,
  };
}

function replyOf(args: readonly string[]): Reply {
  const message = filesMessage(args);
  if (args.includes('post')) return post(message);
  if (args.includes('replace')) return replace(message);
  return ephemeral(message);
}

const VARIANTS: Readonly<Record<string, string[]>> = { files: [], 'files-post': ['post'], 'files-big': ['big'], 'files-many': ['many'] };

const filesCommands: CommandRoute[] = Object.entries(VARIANTS).map(([name, args]) => ({
  name,
  roles: EVERYONE,
  helpKey: 'help.help',
  hidden: true,
  handle: async () => replyOf(args),
}));

/** The same files from a button (e.g. on the Slack Home tab, where there is no response_url). */
const filesAction: ActionRoute = {
  name: 'test.files',
  roles: EVERYONE,
  handle: async () => replyOf(['replace']),
};

export function filesEngine(services: Services): Engine {
  return new Engine(services, { commands: filesCommands, actions: [filesAction] });
}
