/** Address of a running tenant process. */
export interface Upstream {
  host: string;
  port: number;
}

/**
 * Runs tenant processes. The local implementation spawns child processes on
 * this machine; a cluster implementation would manage Deployments instead.
 */
export interface Orchestrator {
  /**
   * Starts the tenant (or keeps it running) and resolves once it passes its
   * health check. Concurrent calls for one tenant share one start.
   */
  start(tenant: string): Promise<Upstream>;
  /** Stops the tenant and keeps it stopped; resolves once the process has exited. */
  stop(tenant: string): Promise<void>;
  /**
   * Stops the tenant and deletes what the orchestrator created for it, for a
   * tenant that is being deleted. Removing a tenant that has nothing left is a no-op.
   */
  remove(tenant: string): Promise<void>;
  /** The address of a running, healthy tenant, or null. */
  upstream(tenant: string): Upstream | null;
  /** Stops every tenant, e.g. when admin shuts down. */
  stopAll(): Promise<void>;
}
