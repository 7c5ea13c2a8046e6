/**
 * A roster file on disk, read as a stream (a 200,000-row file is never held whole) and decoded: UTF-8
 * when it is valid UTF-8, else CP949, the superset of EUC-KR that Excel's Korean "CSV" is saved in. A
 * file that is neither is refused by name; nothing undecodable ever becomes a replacement character.
 */
import { createReadStream } from 'node:fs';
import iconv from 'iconv-lite';
import type { MessageKey } from '../../i18n/index.js';
import { RosterReading, type ParsedRoster } from './roster.js';

export type RosterEncoding = 'utf-8' | 'cp949';

/** The codec iconv-lite knows Windows Korean by: CP949 (Unified Hangul Code) decodes EUC-KR too. */
const KOREAN_WINDOWS_CODEC = 'cp949';

export class RosterFileError extends Error {
  constructor(
    readonly code: MessageKey,
    readonly path: string,
  ) {
    super(`${code}: ${path}`);
  }
}

export interface RosterFile {
  roster: ParsedRoster;
  encoding: RosterEncoding;
}

async function* bytesOf(path: string): AsyncGenerator<Buffer> {
  const stream = createReadStream(path);
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== undefined) throw new RosterFileError('cli.file_missing', path);
    throw error;
  }
}

/** A first pass over the bytes, keeping nothing: is the whole file valid UTF-8? */
async function isUtf8File(path: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of bytesOf(path)) decoder.decode(chunk, { stream: true });
    decoder.decode();
    return true;
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
}

interface TextDecoding {
  write(chunk: Buffer): string;
  end(): string;
}

function decoderFor(encoding: RosterEncoding): TextDecoding {
  if (encoding === 'utf-8') {
    const decoder = new TextDecoder('utf-8');
    return { write: (chunk) => decoder.decode(chunk, { stream: true }), end: () => decoder.decode() };
  }
  const decoder = iconv.getDecoder(KOREAN_WINDOWS_CODEC);
  return { write: (chunk) => decoder.write(chunk), end: () => decoder.end() ?? '' };
}

/**
 * Decodes the text file at `path` piece by piece, UTF-8 or CP949 as above, handing each piece to
 * `push`; bytes that are neither are refused by name. Returns the encoding it was read in.
 */
export async function readTextFile(path: string, push: (text: string) => void): Promise<RosterEncoding> {
  const encoding: RosterEncoding = (await isUtf8File(path)) ? 'utf-8' : 'cp949';
  const decoder = decoderFor(encoding);
  const take = (text: string) => {
    // Bytes that are not CP949 either: the file is in an encoding Probity does not read.
    if (encoding === 'cp949' && text.includes('\uFFFD')) throw new RosterFileError('cli.roster.file_encoding', path);
    push(text);
  };
  for await (const chunk of bytesOf(path)) take(decoder.write(chunk));
  take(decoder.end());
  return encoding;
}

/** Decodes, parses and validates the roster file at `path` piece by piece. */
export async function readRosterFile(path: string): Promise<RosterFile> {
  const reading = new RosterReading();
  const encoding = await readTextFile(path, (text) => reading.push(text));
  return { roster: reading.end(), encoding };
}
