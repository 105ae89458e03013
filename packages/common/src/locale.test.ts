import { describe, expect, it } from 'vitest';
import { formatText, pickLocale } from './locale.js';

describe('pickLocale', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['sv-SE,sv;q=0.9,en;q=0.8', 'sv'],
    ['en-GB,sv;q=0.5', 'en'],
    ['de-DE,sv;q=0.7,en;q=0.6', 'sv'],
    ['sv;q=0,en;q=0.1', 'en'],
    ['fr, de', 'en'],
    ['en;q=0.2, sv;q=0.9', 'sv'],
  ])('chooses %s as %s', (header, expected) => {
    expect(pickLocale(header)).toBe(expected);
  });
});

describe('formatText', () => {
  it('fills known placeholders and keeps unknown ones', () => {
    expect(formatText('{name} has {count} objects {missing}', { name: 'demo', count: 3 })).toBe('demo has 3 objects {missing}');
  });
});
