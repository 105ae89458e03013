import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { lockClassification, recomputeAll } from '@esm/tenant/dist/classification/propagation.js';
import { createBenchTenant, type BenchTenant, type BenchUser } from '../bench-tenant.js';
import { FULL_MODEL, generateModel, QUICK_MODEL, type GeneratedModel, type ModelSize } from '../model/generator.js';
import { seedModel } from '../model/seed.js';
import { SeededRandom } from '../model/seeded-random.js';
import type { BenchPostgres } from '../postgres.js';
import { formatCount, progress } from '../progress.js';
import { startTenantProcess, type TenantProcess } from '../tenant-process.js';

/** Durations and sizes that --quick shrinks. */
export interface Scale {
  quick: boolean;
  model: ModelSize;
  /** Concurrent HTTP connections of every load run: as many as the tenant's database pool has connections. */
  connections: number;
  warmUpSeconds: number;
  runSeconds: number;
}

export const FULL_SCALE: Scale = { quick: false, model: FULL_MODEL, connections: 10, warmUpSeconds: 3, runSeconds: 10 };
export const QUICK_SCALE: Scale = { quick: true, model: QUICK_MODEL, connections: 10, warmUpSeconds: 1, runSeconds: 3 };

/** The seeded tenant that the token, API, classification and live suites measure. */
export interface ModelTenant {
  tenant: BenchTenant;
  model: GeneratedModel;
  server: TenantProcess;
  reader: BenchUser;
  writer: BenchUser;
  seedSeconds: number;
  /** The first recomputeAll after seeding, which writes every inherited level. */
  firstRecompute: { durationMs: number; changes: number; cycles: number };
}

/** The run's settings and shared resources, passed to every suite. */
export interface SuiteContext {
  scale: Scale;
  /** Folder for logs of the processes the run starts. */
  runDirectory: string;
  postgres(): Promise<BenchPostgres>;
  /** Creates and seeds the model tenant on first call and returns the same one after. */
  modelTenant(): Promise<ModelTenant>;
}

/**
 * Provisions a tenant, seeds the generated model into it, computes its
 * inherited levels once and starts its tenant process.
 */
export async function prepareModelTenant(postgres: BenchPostgres, scale: Scale, runDirectory: string): Promise<ModelTenant> {
  const suite = 'model';
  progress(suite, `generating ${formatCount(scale.model.objects)} objects and ${formatCount(scale.model.relations)} relations (fixed seed)`);
  const model = generateModel(scale.model);
  progress(suite, `generated ${model.domains} domains and ${formatCount(model.levels.length)} levels; the hub reaches ${formatCount(model.hubReach)} objects`);

  const tenant = await createBenchTenant(postgres.server, 'bench-model');
  progress(suite, `provisioned tenant ${tenant.name}`);
  const seedStart = performance.now();
  await seedModel(tenant.owner, model, suite);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  progress(suite, `seeded in ${seedSeconds.toFixed(1)} s; computing every inherited level once`);

  const firstRecompute = await tenant.transaction(async (transaction) => {
    await lockClassification(transaction);
    const start = performance.now();
    const result = await recomputeAll(transaction);
    return { durationMs: performance.now() - start, changes: result.changes, cycles: result.cycles.length };
  });
  progress(suite, `first recomputation: ${formatCount(firstRecompute.changes)} level changes, ${firstRecompute.cycles} cycles, ${(firstRecompute.durationMs / 1000).toFixed(2)} s`);

  const reader = await tenant.createUser('read');
  const writer = await tenant.createUser('write');
  const server = await startTenantProcess(tenant.secretFile, path.join(runDirectory, `${tenant.name}.log`));
  progress(suite, `tenant process ${server.pid} listens on ${server.baseUrl}`);
  return { tenant, model, server, reader, writer, seedSeconds, firstRecompute };
}

/** Picks `count` objects of `types` from the model with a fixed seed, so every run reads and changes the same ones. */
export function pickObjects(model: GeneratedModel, count: number, types?: string[]): string[] {
  const candidates = model.objects.filter((object) => !types || types.includes(object.type)).map((object) => object.id);
  return new SeededRandom(PICK_SEED).shuffled(candidates).slice(0, count);
}

const PICK_SEED = 7919;
