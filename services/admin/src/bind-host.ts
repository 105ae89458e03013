import net from 'node:net';

// admin is internal only: it may listen on loopback or a private network
// address, never on a public one or on every interface.
const INTERNAL_ADDRESSES = new net.BlockList();
INTERNAL_ADDRESSES.addSubnet('127.0.0.0', 8, 'ipv4');
INTERNAL_ADDRESSES.addSubnet('10.0.0.0', 8, 'ipv4');
INTERNAL_ADDRESSES.addSubnet('172.16.0.0', 12, 'ipv4');
INTERNAL_ADDRESSES.addSubnet('192.168.0.0', 16, 'ipv4');
INTERNAL_ADDRESSES.addAddress('::1', 'ipv6');
// IPv6 unique local addresses.
INTERNAL_ADDRESSES.addSubnet('fc00::', 7, 'ipv6');

/** Tells whether the host is a loopback or private address (or `localhost`). */
export function isInternalBindHost(host: string): boolean {
  if (host === 'localhost') return true;
  const family = net.isIP(host);
  if (family === 0) return false;
  return INTERNAL_ADDRESSES.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** Throws when the host is not internal, so that admin never starts on a public interface. */
export function assertInternalBindHost(host: string): void {
  if (!isInternalBindHost(host)) {
    throw new Error(`bindHost ${host} is not a loopback or private address, so admin does not start. Set bindHost to an internal address.`);
  }
}
