import { defineError } from '@esm/common';

/** The errors of tenant backups, restores and restore drills. */
export const BACKUP_ERRORS = {
  /** The tenant has no backup with this id (it never existed, or retention removed it). */
  backupNotFound: defineError('BACKUP_NOT_FOUND', 404, {
    en: 'The tenant {tenant} has no backup {backup}. List its backups with esmctl backups {tenant}.',
    sv: 'Kunden {tenant} har ingen säkerhetskopia {backup}. Lista kundens säkerhetskopior med esmctl backups {tenant}.',
  }),
  /** The tenant has no successful backup yet, so a restore drill has nothing to restore. */
  noBackup: defineError('BACKUP_NONE', 404, {
    en: 'The tenant {tenant} has no successful backup yet. Run esmctl backup {tenant} first.',
    sv: 'Kunden {tenant} har ingen lyckad säkerhetskopia än. Kör esmctl backup {tenant} först.',
  }),
  /** No backup, restore or drill job with this id is known to admin. */
  jobNotFound: defineError('BACKUP_JOB_NOT_FOUND', 404, {
    en: 'The backup job {job} was not found.',
    sv: 'Säkerhetskopieringsjobbet {job} hittades inte.',
  }),
  /** A restore replaces the tenant's data, so the request must say `confirm: true`. */
  confirmationRequired: defineError('RESTORE_CONFIRMATION_REQUIRED', 400, {
    en: 'A restore replaces every row of {tenant}. Send confirm: true (esmctl restore --yes) to go ahead.',
    sv: 'En återställning ersätter alla rader hos {tenant}. Skicka confirm: true (esmctl restore --yes) för att fortsätta.',
  }),
  /** The archive cannot be read, or a file in it does not match the SHA-256 or size in its manifest. */
  archiveCorrupt: defineError('BACKUP_ARCHIVE_CORRUPT', 422, {
    en: 'The backup archive {backup} is damaged: {reason}. Nothing was changed. Use another backup.',
    sv: 'Säkerhetskopian {backup} är skadad: {reason}. Ingenting ändrades. Använd en annan säkerhetskopia.',
  }),
  /** The backup was made by a newer version of ESM, whose migrations this version does not have. */
  versionUnsupported: defineError('BACKUP_VERSION_UNSUPPORTED', 409, {
    en: 'The backup {backup} has the schema version {version}, which this version of ESM does not know. Restore it with a newer version.',
    sv: 'Säkerhetskopian {backup} har schemaversionen {version}, som den här versionen av ESM inte känner till. Återställ den med en nyare version.',
  }),
  /** After loading, a table's row count or content differs from the backup's manifest. */
  verificationFailed: defineError('RESTORE_VERIFICATION_FAILED', 500, {
    en: 'The restored table {table} does not match the backup {backup}. Nothing was changed.',
    sv: 'Den återställda tabellen {table} stämmer inte med säkerhetskopian {backup}. Ingenting ändrades.',
  }),
  /** The tenant's secret file, which holds the owner login that migrations need, is missing. */
  secretMissing: defineError('RESTORE_TENANT_SECRET_MISSING', 500, {
    en: 'The secret file of {tenant} is missing, so its database cannot be restored.',
    sv: 'Kunden {tenant} saknar sin hemliga fil, så dess databas kan inte återställas.',
  }),
  /** A drill found audit entries whose previous_hash does not equal the hash of the entry before them. */
  auditChainBroken: defineError('DRILL_AUDIT_CHAIN_BROKEN', 500, {
    en: 'The restored audit log of {tenant} has a broken hash chain at entry {entry}.',
    sv: 'Den återställda granskningsloggen för {tenant} har en bruten hashkedja vid post {entry}.',
  }),
  /** Writing a backup failed; the log has the cause. No archive was kept. */
  backupFailed: defineError('BACKUP_FAILED', 500, {
    en: 'The backup of {tenant} failed. No archive was kept. Check the admin log and try again.',
    sv: 'Säkerhetskopieringen av {tenant} misslyckades. Ingen säkerhetskopia sparades. Läs admins logg och försök igen.',
  }),
  /** A restore or drill failed for a reason without its own code; the log has the cause. */
  restoreFailed: defineError('RESTORE_FAILED', 500, {
    en: 'The restore of {tenant} failed and nothing was changed. Check the admin log.',
    sv: 'Återställningen av {tenant} misslyckades och ingenting ändrades. Läs admins logg.',
  }),
};
