import { defineError } from '@esm/common';

/** The errors of moving a tenant's database to another PostgreSQL server. */
export const MOVE_ERRORS = {
  /** The target server id is not one of the configured PostgreSQL servers. */
  serverUnknown: defineError('MOVE_SERVER_UNKNOWN', 404, {
    en: 'There is no PostgreSQL server with the id {server}. The configured servers are: {servers}.',
    sv: 'Det finns ingen PostgreSQL-server med id {server}. De konfigurerade servrarna är: {servers}.',
  }),
  /** The tenant's database is already on the target server. */
  sameServer: defineError('MOVE_SAME_SERVER', 409, {
    en: 'The tenant {tenant} is already on the server {server}.',
    sv: 'Kunden {tenant} ligger redan på servern {server}.',
  }),
  /**
   * The target server already has the tenant's database or one of its roles.
   * Role names are the same on every server, so the move would change the
   * passwords of roles it did not create. Two server entries that name one
   * PostgreSQL server also end here.
   */
  targetNotEmpty: defineError('MOVE_TARGET_NOT_EMPTY', 409, {
    en: 'The server {server} already has a database or role of {tenant} ({object}), so nothing was moved. Remove it, or check that {server} is not the same PostgreSQL server as the current one.',
    sv: 'Servern {server} har redan en databas eller roll för {tenant} ({object}), så ingenting flyttades. Ta bort den, eller kontrollera att {server} inte är samma PostgreSQL-server som den nuvarande.',
  }),
  /** Another move of the same tenant is running. */
  alreadyMoving: defineError('MOVE_ALREADY_RUNNING', 409, {
    en: 'The tenant {tenant} is already being moved (job {job}).',
    sv: 'Kunden {tenant} håller redan på att flyttas (jobb {job}).',
  }),
  /** The copy on the target does not have the audit chain head or an anchor that the source had. */
  auditMismatch: defineError('MOVE_AUDIT_MISMATCH', 500, {
    en: 'The audit log of {tenant} on the server {server} does not match the original ({reason}). Nothing was moved.',
    sv: 'Granskningsloggen för {tenant} på servern {server} stämmer inte med originalet ({reason}). Ingenting flyttades.',
  }),
  /** A step before the switch failed, so the tenant was put back on its old server and the target was cleaned up. */
  moveFailed: defineError('MOVE_FAILED', 500, {
    en: 'The move of {tenant} failed at the step {step} ({cause}). The tenant stays on the server {server}, and the copy on the target was removed. Check the admin log.',
    sv: 'Flytten av {tenant} misslyckades i steget {step} ({cause}). Kunden ligger kvar på servern {server}, och kopian på målservern togs bort. Läs admins logg.',
  }),
  /**
   * The tenant did not start on the new server after the registry switched
   * to it. Its data is on the new server; the old database is kept.
   */
  startFailed: defineError('MOVE_START_FAILED', 500, {
    en: 'The tenant {tenant} was moved to the server {server} but did not start there. The old database was kept. Run esmctl start {tenant}, and check the admin log.',
    sv: 'Kunden {tenant} flyttades till servern {server} men startade inte där. Den gamla databasen behölls. Kör esmctl start {tenant} och läs admins logg.',
  }),
  /** No move job with this id is known to admin (it finished before admin restarted, or never existed). */
  jobNotFound: defineError('MOVE_JOB_NOT_FOUND', 404, {
    en: 'The move job {job} was not found.',
    sv: 'Flyttjobbet {job} hittades inte.',
  }),
};
