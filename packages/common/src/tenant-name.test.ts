import { describe, expect, it } from 'vitest';
import { isTenantNameWellFormed, tenantNameFromHost } from './tenant-name.js';

describe('isTenantNameWellFormed', () => {
  it.each(['abc', 'demo', 'region-skane', 'a1b', 'x'.repeat(40), 'a--b'])('accepts %s', (name) => {
    expect(isTenantNameWellFormed(name)).toBe(true);
  });

  it.each(['ab', 'x'.repeat(41), '-abc', 'abc-', 'Abc', 'a_b', 'a.b', 'åäö', 'xn--fiq228c', ' abc', 'abc\n'])('rejects %j', (name) => {
    expect(isTenantNameWellFormed(name)).toBe(false);
  });
});

describe('tenantNameFromHost', () => {
  it.each([
    ['demo.esm.localhost', 'demo'],
    ['demo.esm.localhost:8443', 'demo'],
    ['DEMO.ESM.LOCALHOST.', 'demo'],
    ['esm.localhost', null],
    ['a.b.esm.localhost', null],
    ['demo.esm.localhost.evil.example', null],
    ['demoesm.localhost', null],
    [undefined, null],
  ])('reads %s as %s', (host, expected) => {
    expect(tenantNameFromHost(host, 'esm.localhost')).toBe(expected);
  });
});
