/** A tenant as `GET /v1/tenants` lists it. */
export interface TenantSummary {
  name: string;
  organisation: string;
  state: string;
  databaseServer: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A tenant as `GET /v1/tenants/:name` returns it. */
export interface TenantDetail extends TenantSummary {
  contactEmail: string;
  contactMobile: string;
  locale: string;
  history: { fromState: string | null; toState: string; actor: string; at: string }[];
}

/** Formats rows as left-aligned columns separated by two spaces, with a header line. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Formats the `esmctl list` table. */
export function formatTenantList(tenants: TenantSummary[]): string {
  if (tenants.length === 0) return 'No tenants.';
  return formatTable(
    ['NAME', 'ORGANISATION', 'STATE', 'DATABASE SERVER', 'UPDATED'],
    tenants.map((tenant) => [tenant.name, tenant.organisation, tenant.state, tenant.databaseServer ?? '-', tenant.updatedAt]),
  );
}

/** Formats the `esmctl show` text: the tenant's fields, then its state history. */
export function formatTenantDetail(tenant: TenantDetail): string {
  const fields = formatTable(
    ['FIELD', 'VALUE'],
    [
      ['name', tenant.name],
      ['organisation', tenant.organisation],
      ['state', tenant.state],
      ['database server', tenant.databaseServer ?? '-'],
      ['contact e-mail', tenant.contactEmail],
      ['contact mobile', tenant.contactMobile],
      ['locale', tenant.locale],
      ['created', tenant.createdAt],
      ['updated', tenant.updatedAt],
    ],
  );
  const history = formatTable(
    ['AT', 'FROM', 'TO', 'ACTOR'],
    tenant.history.map((change) => [change.at, change.fromState ?? '-', change.toState, change.actor]),
  );
  return `${fields}\n\nState history:\n${history}`;
}
