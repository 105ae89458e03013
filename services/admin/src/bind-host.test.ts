import { describe, expect, it } from 'vitest';
import { assertInternalBindHost, isInternalBindHost } from './bind-host.js';

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

describe('assertInternalBindHost', () => {
  it('every interface is rejected with the local orchestrator', () => {
    for (const host of ['0.0.0.0', '::']) {
      expect(() => assertInternalBindHost(host, 'local'), host).toThrow(expect.objectContaining({ code: 'ADMIN_BIND_HOST_REJECTED' }));
      expect(() => assertInternalBindHost(host), host).toThrow(expect.objectContaining({ code: 'ADMIN_BIND_HOST_REJECTED' }));
    }
  });

  it('every interface is allowed with kubernetes', () => {
    for (const host of ['0.0.0.0', '::', '127.0.0.1', '10.1.2.3']) {
      expect(() => assertInternalBindHost(host, 'kubernetes'), host).not.toThrow();
    }
  });

  it('public addresses are rejected with kubernetes', () => {
    for (const host of ['8.8.8.8', '2001:db8::1', 'admin.example.com']) {
      expect(() => assertInternalBindHost(host, 'kubernetes'), host).toThrow(expect.objectContaining({ code: 'ADMIN_BIND_HOST_REJECTED' }));
    }
  });
});
