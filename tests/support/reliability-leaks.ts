import { HOSTILE_STRINGS } from './reliability-fuzz-inputs.js';

/**
 * Text that must never reach a client: a stack trace, SQL or a PostgreSQL
 * message, a file path of the server, a software version, or the content
 * of a system file that an external XML entity could read.
 */
const LEAK_PATTERNS: readonly { kind: string; pattern: RegExp }[] = [
  { kind: 'stack trace', pattern: /\n\s+at \S|\bat (?:async )?[\w$.<>]+ \([^)]*:\d+:\d+\)|node:internal/ },
  {
    kind: 'PostgreSQL message',
    pattern:
      /syntax error at or near|violates (?:foreign key|unique|check|not-null) constraint|duplicate key value|(?:relation|column|function) "[^"]*" does not exist|invalid input syntax for|SQLSTATE|current transaction is aborted/i,
  },
  // Upper case only, as the service writes its SQL, so that English such as "update the set" does not match.
  { kind: 'SQL', pattern: /\bSELECT\b[^\n]{0,200}\bFROM\b|\bINSERT INTO\b|\bUPDATE\s+\S+\s+SET\b|\bDELETE FROM\b/ },
  { kind: 'file path', pattern: /(?:^|[\s"'(=:,])\/(?:work|home|root|usr|tmp|var|etc|opt|proc|srv|app)\/\w|node_modules|file:\/\/|\b[\w.-]+\.(?:ts|js|mjs|cjs):\d+/ },
  { kind: 'software version', pattern: /\b(?:node(?:\.js)?|fastify|postgres(?:ql)?|pg|v8|openssl|undici|express)\b[\s/@:v"'^~=-]{0,6}\d+\.\d+|\bv\d+\.\d+\.\d+\b/i },
  { kind: 'system file content', pattern: /root:x:0:0:/ },
];

/** Response headers that name the server software. */
const SOFTWARE_HEADERS: readonly string[] = ['server', 'x-powered-by', 'x-aspnet-version', 'x-runtime'];

/**
 * Hostile strings of the fuzzing vocabulary that match a leak pattern
 * themselves, longest first. A response may echo what a request sent (an
 * object named `/etc/passwd` is listed later under that name), so these are
 * cut out of a response before it is scanned. Random strings of the
 * generator are too short to form a pattern by chance.
 */
const ECHOED_FRAGMENTS: readonly string[] = [...new Set(HOSTILE_STRINGS)]
  .filter((text) => LEAK_PATTERNS.some(({ pattern }) => pattern.test(text)) || /[/\\]|SELECT|UNION|passwd/i.test(text))
  .sort((a, b) => b.length - a.length);

/** A response as `app.inject` returns it, reduced to what the scan reads. */
export interface ScannedResponse {
  headers: Record<string, string | string[] | number | undefined>;
  rawPayload: Buffer;
}

/**
 * Lists the leaks in a response's headers and body: the kind of each leak
 * and a short excerpt. `echoes` are strings the request itself sent, which
 * are cut out first like the vocabulary's fragments. JSON and NDJSON bodies
 * are scanned string by string, so that JSON escaping hides nothing.
 */
export function findLeaks(response: ScannedResponse, echoes: string[] = []): string[] {
  const found: string[] = [];
  // Longest first, so that cutting a short fragment (`/etc/passwd`) cannot leave
  // the rest of a longer one (`file://`) behind as a false leak.
  const fragments = [...new Set([...echoes.filter((text) => text.length >= 3), ...ECHOED_FRAGMENTS])].sort((a, b) => b.length - a.length);
  for (const name of SOFTWARE_HEADERS) {
    if (response.headers[name] !== undefined) found.push(`header ${name}: ${String(response.headers[name])}`);
  }
  for (const [name, value] of Object.entries(response.headers)) {
    for (const text of [value].flat()) scan(`header ${name}`, String(text), fragments, found);
  }
  for (const text of bodyStrings(response)) scan('body', text, fragments, found);
  return found;
}

function scan(where: string, text: string, fragments: string[], found: string[]): void {
  let remaining = text;
  for (const fragment of fragments) {
    if (remaining.includes(fragment)) remaining = remaining.split(fragment).join(' ');
  }
  for (const { kind, pattern } of LEAK_PATTERNS) {
    const match = pattern.exec(remaining);
    if (match) found.push(`${kind} in ${where}: …${remaining.slice(Math.max(0, match.index - 60), match.index + 100)}…`);
  }
}

/** Returns the strings of a body: every key and string value of JSON, each line of NDJSON, else the whole text. */
function bodyStrings(response: ScannedResponse): string[] {
  const text = response.rawPayload.toString('utf8');
  const contentType = String(response.headers['content-type'] ?? '');
  const documents: unknown[] = [];
  try {
    if (/json/.test(contentType) && !/ndjson/.test(contentType)) documents.push(JSON.parse(text));
    else if (/ndjson/.test(contentType)) documents.push(...text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown));
    else return [text];
  } catch {
    // A body that claims JSON but is not JSON is scanned as text.
    return [text];
  }
  const strings: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        strings.push(key);
        collect(child);
      }
    }
  };
  documents.forEach(collect);
  return strings;
}
