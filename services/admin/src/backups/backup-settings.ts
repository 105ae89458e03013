import type { PlatformConfig } from '@esm/common';

/** Backup schedule and retention, with the defaults filled in. */
export interface BackupSettings {
  intervalHours: number;
  keep: number;
  drillIntervalHours: number;
}

/** Daily backups, the newest 7 kept, and a weekly restore drill, unless the configuration sets other values. */
export const DEFAULT_BACKUP_SETTINGS: BackupSettings = { intervalHours: 24, keep: 7, drillIntervalHours: 7 * 24 };

/** Returns the configured backup settings, using the default for each one that is missing. */
export function resolveBackupSettings(config: Pick<PlatformConfig, 'backups'>): BackupSettings {
  return { ...DEFAULT_BACKUP_SETTINGS, ...config.backups };
}
