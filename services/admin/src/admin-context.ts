import type pg from 'pg';
import type { Logger, PlatformConfig } from '@esm/common';
import type { StepHook } from './lifecycle/step-hook.js';
import type { TenantLocks } from './lifecycle/tenant-locks.js';
import type { Orchestrator } from './orchestrator/orchestrator.js';
import type { ProvisioningServer } from './provisioning/tenant-database.js';

/** Shared dependencies of admin's domain functions: configuration, registry, servers, orchestrator and per-tenant locks. */
export interface AdminContext {
  config: PlatformConfig;
  registry: pg.Pool;
  /** The provisioning servers in configuration order; the first also contains the registry. */
  servers: ProvisioningServer[];
  orchestrator: Orchestrator;
  /** Serialises every change of one tenant: deployments and state transitions. */
  locks: TenantLocks;
  logger: Logger;
  /** Deployments running in the background, awaited when admin closes. */
  backgroundWork: Set<Promise<unknown>>;
  /** Called after each step of a multi-step operation; tests simulate crashes with it. */
  stepHook?: StepHook;
}
