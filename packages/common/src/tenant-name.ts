/**
 * Names that can never be tenants, because they are or may become platform
 * hosts, or invite confusion with them.
 */
export const RESERVED_TENANT_NAMES = new Set([
  'www', 'admin', 'api', 'register', 'registration', 'mail', 'smtp', 'imap', 'pop', 'ftp', 'ns1', 'ns2',
  'dns', 'mx', 'app', 'apps', 'auth', 'login', 'sso', 'id', 'static', 'cdn', 'assets', 'status', 'help',
  'support', 'docs', 'blog', 'esm', 'platform', 'gateway', 'default', 'localhost', 'test', 'internal',
  'template', 'templates', 'root', 'system', 'security', 'billing', 'postmaster', 'hostmaster', 'webmaster',
]);

/** Checks the DNS-label form: 3–40 lowercase letters, digits and inner hyphens. */
export function isTenantNameWellFormed(name: string): boolean {
  // `xn--` starts an internationalised (punycode) label, which would display as another name.
  return /^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/.test(name) && !name.startsWith('xn--');
}

/** Returns the first label of a host when it lies directly under the base domain, else null. */
export function tenantNameFromHost(host: string | undefined, baseDomain: string): string | null {
  if (!host) return null;
  const hostname = host.replace(/:\d+$/, '').toLowerCase().replace(/\.$/, '');
  const suffix = `.${baseDomain.toLowerCase()}`;
  if (!hostname.endsWith(suffix)) return null;
  const label = hostname.slice(0, -suffix.length);
  return /^[a-z0-9-]+$/.test(label) ? label : null;
}
