import iconv from 'iconv-lite';
import { AppError } from '@esm/common';
import { EXCHANGE_ERRORS } from '../errors.js';

/** The encodings a CSV import reads. */
export const CSV_ENCODINGS = ['utf-8', 'windows-1252'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

const UTF8_BOM = [0xef, 0xbb, 0xbf];

// Bytes that Windows-1252 leaves undefined. Decoders map them to U+FFFD or to
// C1 control characters instead of failing, so they are checked here.
const UNDEFINED_WINDOWS_1252_BYTES = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

// Characters of Windows-1252's upper half that Swedish and English text
// hardly ever contains. They are what other code pages' letters turn into
// when read as Windows-1252: CP437's ä (0x84) becomes „, its å (0x86) †.
const UNLIKELY_WINDOWS_1252_CHARACTERS = new Set('‚ƒ„†‡ˆ‰‹›˜¤¦¨¬¯¸¶¹ª¿¡');
// Quotation marks and symbols that text never has inside a word, where CP437's ö (0x94) turns into ”
// and its Ö (0x99) into ™. Dashes are left out, since "januari–mars" is common.
const UNLIKELY_INSIDE_WORDS = new Set('“”«»™•');

/**
 * Decodes the bytes of a CSV file to text. With `encoding` the file must be
 * valid in it. Without, a UTF-8 byte order mark means UTF-8; otherwise the
 * bytes are UTF-8 when they decode as plausible UTF-8 text, and
 * Windows-1252 when they are not UTF-8 at all but decode as plausible
 * Windows-1252 text. Any other case throws CSV_ENCODING_UNCERTAIN, so an
 * import never stores letters read in the wrong encoding.
 */
export function decodeCsvBytes(bytes: Uint8Array, encoding?: CsvEncoding): { text: string; encoding: CsvEncoding } {
  const hasBom = UTF8_BOM.every((byte, index) => bytes[index] === byte);
  const body = hasBom ? bytes.subarray(UTF8_BOM.length) : bytes;

  if (encoding === 'windows-1252' && !hasBom) return { text: decodeWindows1252Strictly(body), encoding };
  if (encoding === 'utf-8' || hasBom) return { text: decodeUtf8Strictly(body), encoding: 'utf-8' };
  if (body.every((byte) => byte < 0x80)) return { text: Buffer.from(body).toString('latin1'), encoding: 'utf-8' };

  const utf8 = tryDecodeUtf8(body);
  if (utf8 !== null) {
    if (isPlausibleUtf8Text(utf8)) return { text: utf8, encoding: 'utf-8' };
    throw new AppError(EXCHANGE_ERRORS.csvEncodingUncertain, { detail: 'valid UTF-8 with unlikely characters' });
  }
  if (body.some((byte) => UNDEFINED_WINDOWS_1252_BYTES.has(byte))) {
    throw new AppError(EXCHANGE_ERRORS.csvEncodingUncertain, { detail: 'neither UTF-8 nor Windows-1252' });
  }
  const windows1252 = decodeWindows1252(body);
  if (isPlausibleWindows1252Text(windows1252)) return { text: windows1252, encoding: 'windows-1252' };
  throw new AppError(EXCHANGE_ERRORS.csvEncodingUncertain, { detail: 'Windows-1252 with unlikely characters' });
}

function tryDecodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function decodeUtf8Strictly(bytes: Uint8Array): string {
  const text = tryDecodeUtf8(bytes);
  if (text !== null) return text;
  throw new AppError(EXCHANGE_ERRORS.csvEncodingInvalid, { values: { encoding: 'UTF-8', line: lineOfFirstInvalidUtf8Byte(bytes) } });
}

function decodeWindows1252Strictly(bytes: Uint8Array): string {
  const invalid = bytes.findIndex((byte) => UNDEFINED_WINDOWS_1252_BYTES.has(byte));
  if (invalid >= 0) {
    throw new AppError(EXCHANGE_ERRORS.csvEncodingInvalid, { values: { encoding: 'Windows-1252', line: lineAt(bytes, invalid) } });
  }
  return decodeWindows1252(bytes);
}

/**
 * Decodes Windows-1252 with iconv-lite. Node's own TextDecoder is not used,
 * because since Node 20.18.3 and 22.13.0 it decodes 'windows-1252' as
 * Latin-1 (checked on 20.20.2): 0x80 becomes U+0080 instead of € and 0x94
 * U+0094 instead of ”. See https://github.com/nodejs/node/issues/60888.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'windows-1252');
}

/** Returns the line of the first byte where UTF-8 decoding fails, found by decoding the bytes line by line. */
function lineOfFirstInvalidUtf8Byte(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let start = 0;
  let line = 1;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    end = end < 0 ? bytes.length : end + 1;
    try {
      // A line feed byte never occurs inside a multi-byte UTF-8 sequence, so each line decodes on its own.
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    start = end;
    line += 1;
  }
  return line;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset; index += 1) if (bytes[index] === 0x0a) line += 1;
  return line;
}

const LETTER = /\p{L}/u;
// Scripts that do not tell one writing system from another: digits, punctuation, combining diacritics.
const SCRIPT_NEUTRAL = /[\p{Script=Common}\p{Script=Inherited}]/u;
const UNLIKELY_IN_ANY_TEXT = /[\p{Cc}\p{Co}\p{Cn}\uFFFD]/u;

/**
 * Tells whether decoded UTF-8 text looks like real text: no control,
 * private-use or unassigned characters apart from tab and line breaks, and
 * no letter or mark of one script directly beside a letter of another. A
 * Windows-1252 file that happens to be valid UTF-8 fails the second test:
 * "Ö”" (0xD6 0x94) decodes as Ö's bytes turned into a Hebrew accent.
 */
export function isPlausibleUtf8Text(text: string): boolean {
  const characters = [...text];
  for (let index = 0; index < characters.length; index += 1) {
    const character = characters[index]!;
    if (character.charCodeAt(0) < 0x80) continue;
    if (UNLIKELY_IN_ANY_TEXT.test(character)) return false;
    if (SCRIPT_NEUTRAL.test(character)) continue;
    const script = scriptOf(character);
    for (const neighbour of [characters[index - 1], characters[index + 1]]) {
      if (neighbour === undefined || !LETTER.test(neighbour) || SCRIPT_NEUTRAL.test(neighbour)) continue;
      if (scriptOf(neighbour) !== script) return false;
    }
  }
  return true;
}

/**
 * Tells whether text decoded as Windows-1252 looks like real text: none of
 * the rarely used symbols above, and no quotation mark or symbol of
 * UNLIKELY_INSIDE_WORDS between two letters, where another code page's
 * letters end up.
 */
export function isPlausibleWindows1252Text(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!;
    if (character.charCodeAt(0) < 0x80) continue;
    if (UNLIKELY_WINDOWS_1252_CHARACTERS.has(character)) return false;
    if (!UNLIKELY_INSIDE_WORDS.has(character)) continue;
    if (LETTER.test(text[index - 1] ?? '') && LETTER.test(text[index + 1] ?? '')) return false;
  }
  return true;
}

// Scripts that texts mix within words count as one group: Japanese writes Han, Hiragana and Katakana side by side, and Korean Hangul with Han.
const SCRIPT_GROUPS: [string, string[]][] = [
  ['Latin', ['Latin']],
  ['Greek', ['Greek']],
  ['Cyrillic', ['Cyrillic']],
  ['Armenian', ['Armenian']],
  ['Hebrew', ['Hebrew']],
  ['Arabic', ['Arabic']],
  ['Devanagari', ['Devanagari']],
  ['Thai', ['Thai']],
  ['Georgian', ['Georgian']],
  ['CJK', ['Han', 'Hiragana', 'Katakana', 'Hangul', 'Bopomofo']],
];
const SCRIPT_PATTERNS = SCRIPT_GROUPS.map(([group, scripts]) => ({
  group,
  pattern: new RegExp(`[${scripts.map((script) => `\\p{Script=${script}}`).join('')}]`, 'u'),
}));

/** Returns the group of scripts that a letter or mark belongs to, or 'other'. */
function scriptOf(character: string): string {
  return SCRIPT_PATTERNS.find(({ pattern }) => pattern.test(character))?.group ?? 'other';
}
