/**
 * Files that travel with a message, for the chat adapters: which ones a platform takes (its limit), and
 * the notes that stand in for the ones it does not. Pure.
 */
import { t, type Locale } from '../i18n/index.js';
import { context, type Attachment, type Message } from './card.js';

export interface PartitionedFiles {
  fits: Attachment[];
  tooLarge: Attachment[];
}

/** Splits files into those within `maxBytes` each and those over it. */
export function partitionFiles(files: readonly Attachment[] | undefined, maxBytes: number): PartitionedFiles {
  const fits: Attachment[] = [];
  const tooLarge: Attachment[] = [];
  for (const file of files ?? []) (file.data.byteLength > maxBytes ? tooLarge : fits).push(file);
  return { fits, tooLarge };
}

/** Bytes as MiB with one decimal ("12.5"), as the too-large note shows them. */
export function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

export function tooLargeNote(locale: Locale, file: Attachment): string {
  return t(locale, 'file.too_large', { name: file.name, size: megabytes(file.data.byteLength) });
}

/**
 * The message with notes added where a reader sees them: a context line under the card, or more
 * lines of the text when there is no card. The files themselves are left out: they travel separately.
 */
export function withNotes(message: Message, notes: readonly string[]): Message {
  const { files: _files, ...rest } = message;
  if (notes.length === 0) return rest;
  const note = notes.join('\n');
  if (!rest.card) return { ...rest, text: `${rest.text}\n${note}` };
  return { ...rest, card: { ...rest.card, blocks: [...rest.card.blocks, context(note)] } };
}

/** Files in batches of at most `size`, one message each; no batch when there are no files. */
export function batches<T>(files: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < files.length; i += size) out.push(files.slice(i, i + size));
  return out;
}
