/**
 * Files saved to disk: exports and reports written by the command line, and every file a message
 * carries in the console. A file never overwrites another: the next free name gets "-1", "-2" ….
 */
import { mkdir, open, rm } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { Attachment } from './ui/card.js';

/** Where exports, reports and console files go unless told otherwise. */
export const DEFAULT_EXPORT_DIR = './exports/';
const MAX_NAME_SUFFIX = 10_000;

/** Writes the file into `dir` (created if missing) under its own, sanitised name; returns the absolute path. */
export async function saveAttachment(dir: string, file: Attachment): Promise<string> {
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  const { stem, ext } = safeName(file.name);
  for (let n = 0; n <= MAX_NAME_SUFFIX; n++) {
    const path = join(target, n === 0 ? `${stem}${ext}` : `${stem}-${n}${ext}`);
    // 'wx' fails when the file exists, so two saves at once cannot both take one name.
    const handle = await open(path, 'wx').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return undefined;
      throw error;
    });
    if (!handle) continue;
    try {
      await handle.writeFile(file.data);
    } catch (error) {
      await handle.close();
      await rm(path, { force: true }); // no half-written file left behind under the name
      throw error;
    }
    await handle.close();
    return path;
  }
  throw new Error(`no free file name for ${file.name} in ${target}`);
}

/** No directories, no leading dots, no characters file systems refuse. */
function safeName(name: string): { stem: string; ext: string } {
  const cleaned = basename(name.replace(/\\/g, '/'))
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  const file = cleaned === '' ? 'file' : cleaned;
  const ext = extname(file);
  return { stem: file.slice(0, file.length - ext.length) || 'file', ext };
}
