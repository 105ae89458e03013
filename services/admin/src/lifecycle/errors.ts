import { defineError } from '@esm/common';

/** The errors of archiving, restoring from archive and deleting tenants. */
export const LIFECYCLE_ERRORS = {
  /** Deleting is final, so the request must repeat the tenant's name as `confirm`. */
  deleteConfirmationRequired: defineError('TENANT_DELETE_CONFIRMATION_REQUIRED', 400, {
    en: 'Deleting {tenant} removes its data for good. Repeat its name to confirm: esmctl delete {tenant} --confirm {tenant}.',
    sv: 'Att radera {tenant} tar bort dess data för alltid. Upprepa namnet för att bekräfta: esmctl delete {tenant} --confirm {tenant}.',
  }),
  /** An archived tenant may be deleted only once the retention period after archiving has passed. */
  retentionNotPassed: defineError('TENANT_RETENTION_NOT_PASSED', 409, {
    en: 'The tenant {tenant} was archived too recently to be deleted. It can be deleted from {until}.',
    sv: 'Kunden {tenant} arkiverades för nyligen för att kunna raderas. Den kan raderas från och med {until}.',
  }),
  /** A step of archiving failed; what the earlier steps changed was undone and the tenant keeps its state. */
  archiveFailed: defineError('TENANT_ARCHIVE_FAILED', 500, {
    en: 'Archiving {tenant} failed at the step {step}. The tenant keeps its state. Check the admin log and try again.',
    sv: 'Arkiveringen av {tenant} misslyckades i steget {step}. Kunden behåller sitt tillstånd. Läs admins logg och försök igen.',
  }),
  /** A step of a restore from archive failed; the tenant stays archived. */
  unarchiveFailed: defineError('TENANT_UNARCHIVE_FAILED', 500, {
    en: 'Restoring {tenant} from the archive failed at the step {step}. The tenant stays archived. Check the admin log and try again.',
    sv: 'Återställningen av {tenant} från arkivet misslyckades i steget {step}. Kunden förblir arkiverad. Läs admins logg och försök igen.',
  }),
  /** A step of deleting failed; the deletion stays recorded and runs on from that step on the next try or admin start. */
  deleteFailed: defineError('TENANT_DELETE_FAILED', 500, {
    en: 'Deleting {tenant} stopped at the step {step}. Run the same delete command again to finish it.',
    sv: 'Raderingen av {tenant} stannade i steget {step}. Kör samma raderingskommando igen för att slutföra den.',
  }),
  /** The tenant's database was dropped at archiving and no successful backup of it is left to restore. */
  archiveBackupMissing: defineError('TENANT_ARCHIVE_BACKUP_MISSING', 409, {
    en: 'The tenant {tenant} has no database and no successful backup, so it cannot be restored from the archive.',
    sv: 'Kunden {tenant} har ingen databas och ingen lyckad säkerhetskopia, så den kan inte återställas från arkivet.',
  }),
  /** Another multi-step operation of the tenant was cut off and must be finished first. */
  operationPending: defineError('TENANT_OPERATION_PENDING', 409, {
    en: 'The tenant {tenant} has an unfinished {kind} operation. Run esmctl {kind} {tenant} again to finish it first.',
    sv: 'Kunden {tenant} har en oavslutad åtgärd av typen {kind}. Kör esmctl {kind} {tenant} igen för att slutföra den först.',
  }),
};
