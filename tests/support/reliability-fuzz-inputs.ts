import fc from 'fast-check';

/**
 * The parts of a JSON schema that the request generator reads. Route
 * schemas in this code base are plain objects without `$ref`.
 */
export interface JsonSchema {
  type?: string | readonly string[];
  enum?: readonly unknown[];
  const?: unknown;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: readonly JsonSchema[];
  oneOf?: readonly JsonSchema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
}

/** A route as the app registered it, with the schemas the generator reads. */
export interface FuzzRoute {
  method: string;
  url: string;
  schema?: { body?: JsonSchema; querystring?: JsonSchema; params?: JsonSchema };
  /** Whether the route only takes WebSocket upgrades. */
  websocket?: boolean;
}

/** One generated request, ready for `app.inject`. */
export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What the generator chose, for failure messages. */
  description: string;
}

/** Values that real rows of the tenant have, so that some requests reach a handler's lookup of an existing row. */
export interface KnownValues {
  ids: string[];
  /** Object type keys, attribute keys and similar identifiers that exist. */
  keys: string[];
  /** Other path values that exist, such as an invitation token. */
  tokens: string[];
}

/**
 * Hostile text: SQL and path fragments, NUL and control characters, lone
 * surrogates, prototype keys, template and formula syntax, numbers and
 * UUIDs at the edges, header injection and broken cursors.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\r\n',
  "' OR '1'='1",
  "'; DROP TABLE esm.objects; --",
  "1); SELECT pg_sleep(10); --",
  "' UNION SELECT password_hash, email FROM esm.users --",
  '$1',
  '\\',
  "E'\\\\x00'",
  '%',
  '_%_',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '/etc/passwd',
  'file:///etc/passwd',
  'C:\\Windows\\win.ini',
  '....//....//',
  '\u0000',
  'a\u0000b',
  '%00',
  '\u0007\u001b[31m',
  '\ud800',
  'x\udfffy',
  '\u202eevil',
  '\u200b',
  '\ufeff',
  'Å Ä Ö å ä ö',
  '🙂🙃',
  'e\u0301\u0301\u0301',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '{reason}',
  '{{7*7}}',
  '${7*7}',
  '%s%s%s%n',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  "=cmd|' /C calc'!A0",
  '@SUM(1+1)',
  '+1',
  '-1',
  '0',
  '-0',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '99999999999999999999999999',
  '2147483648',
  '9007199254740993',
  '0x10',
  '1.5',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'FFFFFFFF-FFFF-4FFF-8FFF-FFFFFFFFFFFF',
  '00000000-0000-0000-0000-00000000000g',
  '00000000-0000-0000-0000-0000000000001',
  '{00000000-0000-0000-0000-000000000000}',
  'eyJ',
  'eyJpZCI6IicgT1IgMT0xIC0tIiwibmFtZSI6bnVsbH0',
  'AAAA====',
  '!!!',
  'W10',
  'bnVsbA',
  '2024-02-30',
  '0000-00-00',
  '9999-12-31T99:99:99Z',
  'admin@example.test\r\nBcc: other@example.test',
  'a@b',
  '\r\n\r\nHTTP/1.1 200 OK\r\n',
  'A'.repeat(501),
  'A'.repeat(20_001),
  'Ä'.repeat(5_000),
];

/** Object keys that break code which copies request data into plain objects. */
const HOSTILE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '', '\u0000', 'a.b', '$where', '../x'];

/** Numbers at the edges of integer columns, JavaScript's safe range and JSON itself. */
const EDGE_NUMBERS: readonly number[] = [0, -0, -1, 1, 0.5, -2147483649, 2147483648, 2 ** 53 + 2, -(2 ** 53) - 2, 1e308, -1e308, 5e-324];

/** Path segments that are sent without percent-encoding, to test the router's decoding. */
const RAW_PATH_SEGMENTS: readonly string[] = ['%', '%ZZ', '%00', '%C0%AE', '%c0%af', '..', '.', '%2e%2e', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', ';', 'a%2Fb', '%ff%fe', 'index.html', '.env'];

/** Media types of request bodies, including ones no route parses. */
const CONTENT_TYPES: readonly (string | null)[] = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=iso-8859-1',
  'Application/JSON',
  'application/problem+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'text/xml',
  'application/oscal+json',
  'application/oscal+xml',
  'text/csv',
  'text/csv; charset=windows-1252',
  'application/octet-stream',
  'application/x-ndjson',
  '*/*',
  'application/json; boundary=' + 'x'.repeat(2000),
  null,
];

/** Generates a hostile string: from the list, a random one of any code points, or a random one repeated to a large size. */
export function hostileString(): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 6 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
    { arbitrary: fc.tuple(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 10 })).map(([a, b]) => a + b), weight: 2 },
    { arbitrary: fc.string({ minLength: 1, maxLength: 4 }).map((s) => s.repeat(30_000)), weight: 1 },
  );
}

/** Generates a number at an edge, or any integer or finite double. */
function hostileNumber(): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(...EDGE_NUMBERS), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
}

/** Generates a JSON value made of hostile parts, nested a few levels, with prototype keys among the object keys. */
export function hostileJsonValue(): fc.Arbitrary<unknown> {
  const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 10 }));
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      hostileString(),
      hostileNumber(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((entries) => Object.fromEntries(entries)),
    ),
  }));
  return value;
}

/**
 * Generates a JSON value that mostly fits `schema`, so that many requests
 * pass the input check and reach the handler, with any part replaced now
 * and then by a hostile value of any type. Strings are hostile strings cut
 * to the schema's maximum length, short random strings, or known ids and
 * keys.
 */
export function valueForSchema(schema: JsonSchema | undefined, known: KnownValues, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return hostileJsonValue();
  return fc.oneof(
    { arbitrary: fittingValue(schema, known, depth), weight: 12 },
    { arbitrary: hostileJsonValue(), weight: 1 },
  );
}

function fittingValue(schema: JsonSchema, known: KnownValues, depth: number): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return fc.oneof(...branches.map((branch) => valueForSchema(branch, known, depth + 1)));
  const types: string[] = [schema.type ?? []].flat();
  if (types.length === 0) return hostileJsonValue();
  return fc.oneof(...types.map((type) => valueOfType(type, schema, known, depth)));
}

function valueOfType(type: string, schema: JsonSchema, known: KnownValues, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringForSchema(schema, known);
    case 'integer':
      return fc.oneof(
        { arbitrary: fc.integer({ min: Math.max(schema.minimum ?? -1_000_000, -(2 ** 31)), max: Math.min(schema.maximum ?? 1_000_000, 2 ** 31) }), weight: 3 },
        { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 3 },
        { arbitrary: hostileNumber(), weight: 2 },
      );
    case 'number':
      return hostileNumber();
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valueForSchema(schema.items, known, depth + 1), { maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object':
      return objectForSchema(schema, known, depth);
    default:
      return hostileJsonValue();
  }
}

function stringForSchema(schema: JsonSchema, known: KnownValues): fc.Arbitrary<string> {
  const maxLength = schema.maxLength ?? 100_000;
  const cut = (text: string) => text.slice(0, maxLength);
  const shortLength = Math.min(maxLength, 30);
  const short = fc.string({ minLength: Math.min(schema.minLength ?? 1, shortLength), maxLength: shortLength });
  const fitting: fc.Arbitrary<string>[] = [hostileString().map(cut), short];
  if (schema.format === 'uuid' && known.ids.length > 0) fitting.push(fc.constantFrom(...known.ids), fc.uuid());
  if (schema.format === 'date' || schema.format === 'date-time') {
    const date = fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
    fitting.push(schema.format === 'date' ? date.map((text) => text.slice(0, 10)) : date);
  }
  if (known.keys.length > 0) fitting.push(fc.constantFrom(...known.keys));
  return fc.oneof(...fitting);
}

function objectForSchema(schema: JsonSchema, known: KnownValues, depth: number): fc.Arbitrary<unknown> {
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, child]) => [name, valueForSchema(child, known, depth + 1)]));
  const required = (schema.required ?? []).filter((name) => name in properties);
  const extraSchema = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : Object.values(schema.patternProperties ?? {})[0];
  const extraKey = fc.oneof(fc.constantFrom(...HOSTILE_KEYS, ...known.keys), fc.string({ maxLength: 12 }));
  const extraEntries = fc.array(fc.tuple(extraKey, valueForSchema(extraSchema, known, depth + 1)), { minLength: 1, maxLength: extraSchema ? 4 : 1 });
  // A key the schema does not name fails additionalProperties: false, so most objects get none.
  const extra = fc.oneof({ arbitrary: fc.constant([] as [string, unknown][]), weight: 4 }, { arbitrary: extraEntries, weight: 1 });
  const withRequired = fc.record(properties, { requiredKeys: required });
  const withAnyKeys = fc.record(properties, { requiredKeys: [] });
  return fc
    .tuple(fc.oneof({ arbitrary: withRequired, weight: 4 }, { arbitrary: withAnyKeys, weight: 1 }), extra)
    .map(([record, entries]) => ({ ...Object.fromEntries(entries), ...record }));
}

/**
 * Builds request bodies that no schema-shaped value produces: broken and
 * deeply nested JSON, prototype pollution in raw JSON text, invalid UTF-8,
 * XML with external and exponentially expanding entities, CSV with broken
 * quoting, and a body just over the default limit of 1 MiB. Call it once,
 * because some bodies are large.
 */
export function buildRawBodies(): { name: string; payload: string | Buffer }[] {
  const depth = 100_000;
  const entities = ['<!ENTITY a0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i};`.repeat(10)}">`)].join('');
  return [
    { name: 'empty', payload: '' },
    { name: 'truncated JSON', payload: '{"type": "application", "name": "x' },
    { name: 'JSON null', payload: 'null' },
    { name: 'JSON string', payload: '"text"' },
    { name: 'JSON number out of range', payload: '1e999999' },
    { name: 'duplicate keys', payload: '{"name": "a", "name": {"b": 1}}' },
    { name: 'proto key', payload: '{"__proto__": {"polluted": true}, "name": "x", "type": "application"}' },
    { name: 'constructor prototype', payload: '{"constructor": {"prototype": {"polluted": true}}, "name": "x"}' },
    { name: 'nested proto key', payload: '{"attributes": {"__proto__": {"polluted": true}}, "name": "x", "type": "application"}' },
    { name: 'deeply nested arrays', payload: '['.repeat(depth) + ']'.repeat(depth) },
    { name: 'deeply nested objects', payload: '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) },
    { name: 'invalid UTF-8', payload: Buffer.concat([Buffer.from('{"type": "application", "name": "'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')]) },
    { name: 'UTF-16 with BOM', payload: Buffer.from('\ufeff{"name": "x"}', 'utf16le') },
    { name: 'NUL bytes', payload: Buffer.from('{"name": "a\u0000b"}\u0000\u0000') },
    { name: 'XML external entity', payload: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><catalog><title>&e;</title></catalog>' },
    { name: 'XML entity expansion', payload: `<?xml version="1.0"?><!DOCTYPE x [${entities}]><catalog><title>&a9;</title></catalog>` },
    { name: 'deeply nested XML', payload: '<a>'.repeat(depth / 4) + '</a>'.repeat(depth / 4) },
    { name: 'malformed XML', payload: '<?xml version="1.0"?><catalog><title>x</catalog' },
    { name: 'CSV with broken quoting', payload: 'Namn;Beskrivning\r\n"open;quote\r\nx;"y""\r\n' },
    { name: 'CSV with formulas', payload: 'Namn;Typ\r\n=1+1;application\r\n@SUM(A1);process\r\n' },
    { name: 'CSV in Windows-1252', payload: Buffer.concat([Buffer.from('Namn;Beskrivning\r\n'), Buffer.from([0xc5, 0x3b, 0xe4, 0xf6, 0x0d, 0x0a])]) },
    { name: 'form data', payload: 'type=application&name=x&__proto__[polluted]=1' },
    { name: 'just over 1 MiB', payload: `"${'A'.repeat(1024 * 1024)}"` },
  ];
}

/**
 * Percent-encodes every byte of the UTF-8 form outside the unreserved
 * characters. Unlike encodeURIComponent it accepts lone surrogates, which
 * become U+FFFD.
 */
export function percentEncode(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/**
 * Generates a client address from the documentation ranges (RFC 5737 and RFC 3849),
 * as the gateway would forward it. Spreading requests over many addresses
 * keeps the per-address sign-in rate limit from rejecting every sign-in
 * request with 429 before its handler runs.
 */
function clientAddress(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(fc.constantFrom('198.51.100', '203.0.113'), fc.integer({ min: 1, max: 254 })).map(([prefix, host]) => `${prefix}.${host}`),
    fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })).map(([a, b]) => `2001:db8:${a.toString(16)}:${b.toString(16)}::1`),
  );
}

function pathValue(known: KnownValues): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...known.ids, ...known.keys, ...known.tokens).map(percentEncode), weight: 6 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: hostileString().map(percentEncode), weight: 2 },
    { arbitrary: fc.constantFrom(...RAW_PATH_SEGMENTS), weight: 1 },
  );
}

function queryString(route: FuzzRoute, known: KnownValues): fc.Arbitrary<string> {
  const schema = route.schema?.querystring;
  const schemaKeys = Object.keys(schema?.properties ?? {});
  const key = fc.oneof(
    { arbitrary: fc.constantFrom(...schemaKeys, 'limit', 'after', 'version', 'attribute.lifecycle', 'attribute.__proto__', '__proto__', 'constructor'), weight: 4 },
    { arbitrary: hostileString(), weight: 1 },
  );
  const value = fc.oneof({ arbitrary: hostileString(), weight: 3 }, { arbitrary: fc.constantFrom(...known.ids, ...known.keys), weight: 1 });
  const hostilePair = fc.oneof(
    { arbitrary: fc.tuple(key, value).map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`), weight: 6 },
    { arbitrary: fc.constantFrom('%', 'limit=%ZZ', 'a[b]=1', '__proto__[polluted]=1', 'limit', '=', '&&'), weight: 1 },
  );
  const hostileQuery = fc.array(hostilePair, { minLength: 1, maxLength: 5 }).map((pairs) => pairs.join('&'));
  // Parameters shaped by the route's schema, so that some lists and deletions get past the input check.
  const schemaQuery = valueForSchema(schema, known).map((query) => {
    if (!query || typeof query !== 'object' || Array.isArray(query)) return `q=${percentEncode(JSON.stringify(query) ?? '')}`;
    return Object.entries(query)
      .map(([k, v]) => `${percentEncode(k)}=${percentEncode(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))}`)
      .join('&');
  });
  return fc
    .oneof(
      { arbitrary: fc.constant(''), weight: 2 },
      { arbitrary: schemaQuery, weight: schema ? 4 : 0 },
      { arbitrary: hostileQuery, weight: 3 },
    )
    .map((query) => (query === '' ? '' : `?${query}`));
}

/**
 * Builds hostile requests for one route: path parameters, query string,
 * body, content type and language header chosen from valid, malformed,
 * oversized and hostile values. The caller adds the authorization header.
 */
export function requestsFor(route: FuzzRoute, known: KnownValues, rawBodies: { name: string; payload: string | Buffer }[]): fc.Arbitrary<FuzzRequest> {
  const parameterNames = [...route.url.matchAll(/:(\w+)|\*/g)].map((match) => match[1] ?? '*');
  const path = fc.array(pathValue(known), { minLength: parameterNames.length, maxLength: parameterNames.length }).map((values) => {
    let index = 0;
    return route.url.replace(/:(\w+)|\*/g, () => values[index++]!);
  });
  const hasBody = !['GET', 'HEAD'].includes(route.method);
  const schemaBody = valueForSchema(route.schema?.body, known).map((value) => ({ name: 'schema-shaped JSON', payload: JSON.stringify(value) ?? 'null' }));
  const hostileBody = hostileJsonValue().map((value) => ({ name: 'hostile JSON', payload: JSON.stringify(value) ?? 'null' }));
  const rawBody = fc.constantFrom(...rawBodies);
  const body = hasBody
    ? fc.oneof({ arbitrary: schemaBody, weight: 5 }, { arbitrary: hostileBody, weight: 2 }, { arbitrary: rawBody, weight: 2 }, { arbitrary: fc.constant(null), weight: 1 })
    : fc.oneof({ arbitrary: fc.constant(null), weight: 8 }, { arbitrary: schemaBody, weight: 1 }, { arbitrary: rawBody, weight: 1 });
  const contentType = fc.oneof({ arbitrary: fc.constant('application/json'), weight: 6 }, { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 2 });
  const language = fc.constantFrom('sv', 'en', 'sv-SE,sv;q=0.9,en;q=0.8', '*', 'xx', 'en;q=abc', 'a'.repeat(500));

  return fc.record({ path, query: queryString(route, known), body, contentType, language, clientAddress: clientAddress() }).map(({ path: requestPath, query, body: chosen, contentType: type, language: lang, clientAddress: address }) => {
    const headers: Record<string, string> = { 'accept-language': lang, 'x-forwarded-for': address };
    if (chosen && type) headers['content-type'] = type;
    const url = requestPath + query;
    const shownBody = chosen ? `${chosen.name} (${chosen.payload.length} bytes): ${String(chosen.payload).slice(0, 300)}` : 'no body';
    const description = `${route.method} ${url.slice(0, 500)}\ncontent-type: ${headers['content-type'] ?? '(none)'}, accept-language: ${lang.slice(0, 40)}\nbody: ${shownBody}`;
    // fast-check prints a failing value with this method, so a 1 MiB body does not fill the report.
    return { method: route.method, url, headers, payload: chosen?.payload, description, [fc.toStringMethod]: () => description };
  });
}
