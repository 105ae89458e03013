import { describe, expect, it } from 'vitest';
import { formatDateTime } from './texts.js';

describe('formatDateTime', () => {
  // 02:12 UTC on 6 December is 03:12 in Stockholm (CET, UTC+1), and 2 July 10:00 UTC is 12:00 (CEST).
  it('writes Swedish time in Swedish whatever the server zone', () => {
    expect(formatDateTime(new Date('2026-12-06T02:12:00Z'), 'sv')).toBe('6 december 2026 kl. 03:12 CET');
  });

  it('writes Swedish summer time in English', () => {
    expect(formatDateTime(new Date('2026-07-02T10:00:00Z'), 'en')).toBe('2 July 2026 at 12:00 CEST');
  });
});
