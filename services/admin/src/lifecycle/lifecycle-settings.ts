import type { LifecycleConfig, PlatformConfig } from '@esm/common';

/** Stop after 30 idle minutes, keep the database of archived tenants, and allow deletion 30 days after archiving. */
export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleConfig = { idleTimeoutMinutes: 30, archiveKeepDatabase: true, deleteRetentionDays: 30 };

/** Returns the configured lifecycle settings, using the default for each one that is missing. */
export function resolveLifecycleSettings(config: Pick<PlatformConfig, 'lifecycle'>): LifecycleConfig {
  return { ...DEFAULT_LIFECYCLE_SETTINGS, ...config.lifecycle };
}
