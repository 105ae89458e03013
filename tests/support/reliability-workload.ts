import type { AcknowledgedWrites } from './reliability-consistency.js';

/** A response reduced to what the workload reads. */
export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

/** Sends one JSON request to a tenant with the workload's access token and returns the response. */
export type SendRequest = (method: string, path: string, body?: unknown) => Promise<HttpResult>;

export type OperationName = 'create object' | 'update object' | 'create relation' | 'delete relation' | 'read object' | 'list objects';

/** What one request of the workload got back. A request that got no response has the status 0 and the error in `body`. */
export interface Outcome {
  operation: OperationName;
  status: number;
  /** `error.code` of an error body. */
  code?: string;
  headers: HttpResult['headers'];
  body: string;
  /** When the response arrived, in ms since the epoch. */
  at: number;
  /** Time from sending the request to the end of the response. */
  durationMs: number;
}

/** The share of each operation; the workload picks one at random in proportion. */
export type OperationMix = Record<OperationName, number>;

export const WRITE_HEAVY_MIX: OperationMix = {
  'create object': 4,
  'update object': 3,
  'create relation': 2,
  'delete relation': 1,
  'read object': 1,
  'list objects': 1,
};

export const READ_HEAVY_MIX: OperationMix = {
  'create object': 1,
  'update object': 1,
  'create relation': 1,
  'delete relation': 0.5,
  'read object': 4,
  'list objects': 3,
};

/**
 * Creates one client's model work on a tenant: it creates application objects,
 * updates and links its own objects with `depends_on` relations, deletes
 * some of its relations and reads, and records every write that was
 * acknowledged with a 2xx in `acknowledged`. A request without a response
 * leaves its outcome unknown, so the workload learns the current version
 * from a later 409 instead of treating that as an error.
 */
export function createModelWorkload(options: { send: SendRequest; acknowledged: AcknowledgedWrites; mix: OperationMix; label: string }) {
  const { send, acknowledged, mix, label } = options;
  const objects = new Map<string, number>();
  const relations: string[] = [];
  let counter = 0;

  const pick = <T>(items: T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

  async function run(operation: OperationName, method: string, path: string, body?: unknown): Promise<{ outcome: Outcome; json: Record<string, unknown> | null }> {
    const sentAt = Date.now();
    let result: HttpResult;
    try {
      result = await send(method, path, body);
    } catch (error) {
      const failure = { operation, status: 0, headers: {}, body: String((error as Error).message ?? error), at: Date.now(), durationMs: Date.now() - sentAt };
      return { outcome: failure, json: null };
    }
    let json: Record<string, unknown> | null = null;
    try {
      json = result.body ? (JSON.parse(result.body) as Record<string, unknown>) : null;
    } catch {
      // A body that is not JSON stays in the outcome for the test to report.
    }
    const code = (json?.error as { code?: string } | undefined)?.code;
    const outcome = { operation, status: result.status, code, headers: result.headers, body: result.body, at: Date.now(), durationMs: Date.now() - sentAt };
    return { outcome, json };
  }

  function chooseOperation(): OperationName {
    const entries = Object.entries(mix) as [OperationName, number][];
    let roll = Math.random() * entries.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [name, weight] of entries) {
      roll -= weight;
      if (roll < 0) return name;
    }
    return 'create object';
  }

  /** Sends one request of a randomly chosen operation and returns its outcome. */
  async function step(): Promise<Outcome> {
    let operation = chooseOperation();
    const ids = [...objects.keys()];
    if (ids.length < 2 && operation !== 'list objects') operation = 'create object';
    if (operation === 'delete relation' && relations.length === 0) operation = 'create relation';

    switch (operation) {
      case 'create object': {
        counter += 1;
        const { outcome, json } = await run(operation, 'POST', '/api/objects', { type: 'application', name: `${label} application ${counter}` });
        if (outcome.status === 201 && json) {
          objects.set(String(json.id), Number(json.version));
          acknowledged.objects.set(String(json.id), Number(json.version));
        }
        return outcome;
      }
      case 'update object': {
        const id = pick(ids)!;
        const { outcome, json } = await run(operation, 'PATCH', `/api/objects/${id}`, { version: objects.get(id), description: `Changed at ${Date.now()}` });
        if (outcome.status === 200 && json) {
          objects.set(id, Number(json.version));
          acknowledged.objects.set(id, Math.max(Number(json.version), acknowledged.objects.get(id) ?? 0));
        }
        const current = (json?.error as { current?: { version?: number } } | undefined)?.current?.version ?? (json?.current as { version?: number } | undefined)?.version;
        if (outcome.status === 409 && current !== undefined) objects.set(id, current);
        return outcome;
      }
      case 'create relation': {
        const sourceId = pick(ids)!;
        const targetId = pick(ids.filter((id) => id !== sourceId))!;
        const { outcome, json } = await run(operation, 'POST', '/api/relations', { type: 'depends_on', sourceId, targetId });
        if (outcome.status === 201 && json) {
          relations.push(String(json.id));
          acknowledged.relations.add(String(json.id));
        }
        return outcome;
      }
      case 'delete relation': {
        const id = relations.splice(Math.floor(Math.random() * relations.length), 1)[0]!;
        const { outcome } = await run(operation, 'DELETE', `/api/relations/${id}`);
        if (outcome.status === 204) acknowledged.deletedRelations.add(id);
        // Without a response the relation may still exist; keep it so that a later deletion settles it.
        else if (outcome.status === 0 || outcome.status >= 500) relations.push(id);
        return outcome;
      }
      case 'read object':
        return (await run(operation, 'GET', `/api/objects/${pick(ids)!}`)).outcome;
      case 'list objects':
        return (await run(operation, 'GET', '/api/objects?type=application&sort=name&limit=50')).outcome;
    }
  }

  return { step };
}

/**
 * Runs `workers` copies of a loop that calls `step` until `keepGoing`
 * returns false, and returns every outcome in the order the responses
 * arrived.
 */
export async function runConcurrently(workers: number, step: (worker: number) => Promise<Outcome>, keepGoing: () => boolean): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (keepGoing()) outcomes.push(await step(worker));
    }),
  );
  return outcomes;
}
