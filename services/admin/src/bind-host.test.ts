import { describe, expect, it } from 'vitest';
import { isInternalBindHost } from './bind-host.js';

describe('isInternalBindHost', () => {
  it('accepts loopback and private addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.10', 'fd00::1']) {
      expect(isInternalBindHost(host), host).toBe(true);
    }
  });

  it('public addresses are rejected', () => {
    for (const host of ['0.0.0.0', '::', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2001:db8::1', 'admin.example.com']) {
      expect(isInternalBindHost(host), host).toBe(false);
    }
  });
});
