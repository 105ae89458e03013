import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { dataPaths, readSecretFile, type TenantSecret } from '@esm/common';
import { tenantDatabaseNames } from '@esm/admin/dist/provisioning/tenant-database.js';
import { EMBEDDED_SUPERUSER } from '@esm/platform/dist/embedded-postgres.js';
import { readSecretText } from '@esm/platform/dist/bootstrap.js';
import { signAccessToken } from '@esm/tenant/dist/auth/access-token.js';
import { loadTenantKeys } from '@esm/tenant/dist/auth/signing-keys.js';
import { figure, round, type Figure } from '../figures.js';
import { readAvailableMemory } from '../machine.js';
import { startBenchPlatform, type BenchPlatform } from '../platform-client.js';
import { findFreePort } from '../postgres.js';
import { formatCount, progress } from '../progress.js';
import { findTenantProcess, readPrivateMemory, readResidentMemory } from '../process-memory.js';
import { summarizeDurations } from '../statistics.js';
import type { SuiteContext } from './context.js';

const SUITE = 'platform';
const POLL_INTERVAL_MS = 25;
const MiB = 1024 * 1024;

/**
 * Starts a whole platform and measures on it: registration to the first
 * response of the new tenant, an inactive tenant's wake-up through the
 * gateway, and the memory of one idle tenant process.
 */
export async function runPlatformSuite(context: SuiteContext): Promise<Figure[]> {
  const { quick } = context.scale;
  const platform = await startBenchPlatform(SUITE, context.runDirectory);
  try {
    const provisioning = await measureProvisioning(platform, quick ? 1 : 3);
    const tenant = 'benchp1';
    const wake = await measureWakeUps(platform, tenant, quick ? 2 : 5);
    await addProcessStart(wake.figure, platform, tenant, quick ? 1 : 3);
    const density = await measureDensity(platform, tenant, wake.token, quick ? 5 : 15);
    return [provisioning, wake.figure, ...density];
  } finally {
    await platform.stop();
  }
}

async function measureProvisioning(platform: BenchPlatform, samples: number): Promise<Figure> {
  const registration = await platform.admin('registration');
  const totals: number[] = [];
  const registrations: number[] = [];
  for (let sample = 1; sample <= samples; sample += 1) {
    const name = `benchp${sample}`;
    const start = performance.now();
    const registered = await registration.request<{ deploymentToken: string }>('POST', '/v1/registrations', {
      organisation: `Prestandatest ${sample}`,
      tenantName: name,
      contactEmail: `owner@${name}.example`,
      contactMobile: '+46 70 123 45 67',
      locale: 'sv',
    });
    if (registered.status !== 201) throw new Error(`registering ${name} responded with ${registered.status}: ${JSON.stringify(registered.body)}`);
    registrations.push(performance.now() - start);
    const deployment = await registration.request('POST', '/v1/deployments', { token: registered.body.deploymentToken });
    if (deployment.status !== 202) throw new Error(`deploying ${name} responded with ${deployment.status}: ${JSON.stringify(deployment.body)}`);
    await waitForTenantAnswer(platform, name);
    totals.push(performance.now() - start);
    progress(SUITE, `tenant ${name} first responded ${round(totals[totals.length - 1]! / 1000, 2)} s after its registration was sent`);
  }
  const summary = summarizeDurations(totals);
  return figure({
    id: 'platform.provisioning',
    suite: SUITE,
    label: 'Provisioning: from a submitted registration to the tenant answering',
    result: `median ${round(summary.p50Ms / 1000, 2)} s (slowest ${round(summary.maxMs / 1000, 2)} s)`,
    measurements: { medianMs: summary.p50Ms, maxMs: summary.maxMs, samples },
    target: { measurement: 'medianMs', name: 'median', comparison: 'at most', value: 5_000, unit: 'ms' },
    method: {
      timed: `from sending POST /v1/registrations to admin (what the registration service sends for a submitted form) through POST /v1/deployments with the returned token (the deployment link) until GET /api/me through the gateway is answered by the tenant itself (401 AUTH_REQUIRED), polled every ${POLL_INTERVAL_MS} ms; the e-mail round trip of a real user is left out`,
      samples: `${samples} ${samples === 1 ? 'tenant' : 'tenants'}, one after another`,
      warmUp: 'none',
      concurrency: '1',
      notes: `Admin registration requests alone took ${registrations.map((ms) => `${round(ms)} ms`).join(', ')}.`,
    },
  });
}

/** Polls the tenant's host through the gateway until the tenant process, not the default backend, responds. */
async function waitForTenantAnswer(platform: BenchPlatform, name: string, timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const response = await platform.request(name, '/api/me');
    if (response.status === 401 && response.body.includes('AUTH_REQUIRED')) return;
    if (performance.now() > deadline) throw new Error(`tenant ${name} did not respond within ${timeoutMs / 1000} s; the last status was ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

async function measureWakeUps(platform: BenchPlatform, name: string, samples: number): Promise<{ figure: Figure; token: string }> {
  const token = await tokenForNewUser(platform, name);
  const headers = { authorization: `Bearer ${token}` };
  const cli = await platform.admin('cli');
  const warm: number[] = [];
  for (let request = 0; request < 10; request += 1) {
    const start = performance.now();
    const response = await platform.request(name, '/api/me', headers);
    if (response.status !== 200) throw new Error(`GET /api/me on the active tenant responded with ${response.status}: ${response.body}`);
    warm.push(performance.now() - start);
  }

  const wakes: number[] = [];
  for (let sample = 1; sample <= samples; sample += 1) {
    const stopped = await cli.request<{ state: string }>('POST', `/v1/tenants/${name}/stop`);
    if (stopped.status !== 200 || stopped.body.state !== 'inactive') throw new Error(`stopping ${name} responded with ${stopped.status}: ${JSON.stringify(stopped.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const start = performance.now();
    const response = await platform.request(name, '/api/me', headers);
    wakes.push(performance.now() - start);
    if (response.status !== 200) throw new Error(`GET /api/me on the stopped tenant responded with ${response.status}: ${response.body}`);
    progress(SUITE, `wake-up ${sample} of ${samples}: ${round(wakes[wakes.length - 1]!)} ms`);
  }
  const summary = summarizeDurations(wakes);
  const warmSummary = summarizeDurations(warm);
  return {
    token,
    figure: figure({
      id: 'platform.wake',
      suite: SUITE,
      label: 'Wake-up: from an inactive tenant to the first answered request through the gateway',
      result: `median ${round(summary.p50Ms)} ms (slowest ${round(summary.maxMs)} ms; the same request on the running tenant: median ${round(warmSummary.p50Ms)} ms)`,
      measurements: { medianMs: summary.p50Ms, maxMs: summary.maxMs, samples, activeMedianMs: warmSummary.p50Ms },
      target: { measurement: 'medianMs', name: 'median', comparison: 'at most', value: 1_000, unit: 'ms' },
      method: {
        timed: 'GET /api/me with an access token through the gateway on a new TLS connection, from sending to the full response (200), after admin stopped the tenant (POST /v1/tenants/:name/stop) and 0.5 s passed; the default backend starts the tenant process and holds the request until the tenant responds',
        samples: `${samples} stop and wake cycles`,
        warmUp: '10 requests on the running tenant before the first stop (also the comparison figure)',
        concurrency: '1',
      },
    }),
  };
}

/**
 * Starts the tenant's entry script by hand, as admin does, next to the
 * running process, and times from spawn to the first 200 from /healthz,
 * polled every 10 ms. The wake-up includes this start.
 */
async function addProcessStart(wake: Figure, platform: BenchPlatform, name: string, samples: number): Promise<void> {
  const entry = createRequire(import.meta.url).resolve('@esm/tenant');
  const secretFile = path.join(dataPaths(platform.config).tenantSecretsDir, `${name}.json`);
  const durations: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const port = await findFreePort();
    const start = performance.now();
    const child = spawn(process.execPath, [entry], {
      env: { ESM_TENANT_SECRET_FILE: secretFile, ESM_TENANT_PORT: String(port), ESM_TENANT_HOST: '127.0.0.1', PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await waitForHealth(`http://127.0.0.1:${port}/healthz`, exited);
      durations.push(performance.now() - start);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }
  const summary = summarizeDurations(durations);
  progress(SUITE, `tenant process start by hand: ${durations.map((ms) => `${round(ms)} ms`).join(', ')}`);
  wake.measurements.processStartMedianMs = summary.p50Ms;
  wake.method.notes = `Of this, starting the tenant process (spawn of node with the tenant's entry script to the first 200 from /healthz, polled every 10 ms, ${samples} ${samples === 1 ? 'sample' : 'samples'}) took median ${round(summary.p50Ms)} ms; admin polls /healthz every 200 ms while it starts a tenant.`;
}

async function waitForHealth(url: string, exited: Promise<void>): Promise<void> {
  let done = false;
  void exited.then(() => (done = true));
  const deadline = performance.now() + 60_000;
  while (!done && performance.now() < deadline) {
    const healthy = await fetch(url).then(
      (response) => response.status === 200,
      () => false,
    );
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the tenant process started by hand did not respond on ${url} within 60 s`);
}

/** Inserts an active admin user with a session into a platform tenant's database and signs a token, skipping sign-in. */
async function tokenForNewUser(platform: BenchPlatform, name: string): Promise<string> {
  const secret = await readSecretFile<TenantSecret>(path.join(dataPaths(platform.config).tenantSecretsDir, `${name}.json`));
  const owner = new pg.Client(secret.database.owner);
  await owner.connect();
  try {
    const email = `bench@${name}.example`;
    const user = await owner.query<{ id: string }>(
      "INSERT INTO esm.users (email, access_level, status, totp_enabled, activated_at) VALUES ($1, 'admin', 'active', true, now()) RETURNING id",
      [email],
    );
    const id = user.rows[0]!.id;
    const session = await owner.query<{ id: string }>("INSERT INTO esm.sessions (user_id, expires_at) VALUES ($1, now() + interval '1 day') RETURNING id", [id]);
    const audience = { tenant: secret.tenant, origin: secret.origin };
    return (await signAccessToken(loadTenantKeys(secret.signingKeys), audience, { id, email, accessLevel: 'admin' }, session.rows[0]!.id)).token;
  } finally {
    await owner.end();
  }
}

/**
 * Reads the resident memory of the tenant process that admin started,
 * after a few requests and `idleSeconds` without any, and estimates how
 * many such tenants fit in the memory the kernel reports as available.
 */
async function measureDensity(platform: BenchPlatform, name: string, token: string, idleSeconds: number): Promise<Figure[]> {
  const secretFile = path.join(dataPaths(platform.config).tenantSecretsDir, `${name}.json`);
  const pid = await findTenantProcess(secretFile);
  const afterStart = await readResidentMemory(pid);
  const headers = { authorization: `Bearer ${token}` };
  for (let request = 0; request < 10; request += 1) {
    for (const route of ['/api/me', '/api/objects?limit=50', '/api/meta-model']) {
      const response = await platform.request(name, route, headers);
      if (response.status !== 200) throw new Error(`GET ${route} responded with ${response.status}: ${response.body}`);
    }
  }
  progress(SUITE, `tenant process ${pid}: ${round(afterStart.resident / MiB)} MiB after its start; idling for ${idleSeconds} s`);
  await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));

  const memory = await readResidentMemory(pid);
  const resident = memory.resident;
  const tenantPrivate = await readPrivateMemory(pid);
  const backendPrivate = await readBackendMemory(platform, name);
  const available = await readAvailableMemory();
  const perTenant = tenantPrivate + backendPrivate;
  const tenants = Math.floor(available / perTenant);
  progress(SUITE, `idle tenant process: ${round(resident / MiB)} MiB resident; about ${formatCount(tenants)} such tenants fit`);

  return [
    figure({
      id: 'platform.idle-memory',
      suite: SUITE,
      label: 'Resident memory of one idle tenant process',
      result: `${round(resident / MiB)} MiB: ${round(memory.anonymous / MiB)} MiB anonymous, ${round(memory.file / MiB)} MiB mapped files (${round(afterStart.resident / MiB)} MiB right after its start)`,
      measurements: {
        residentMiB: resident / MiB,
        anonymousMiB: memory.anonymous / MiB,
        fileMiB: memory.file / MiB,
        afterStartMiB: afterStart.resident / MiB,
      },
      target: { measurement: 'residentMiB', name: 'VmRSS', comparison: 'at most', value: 60, unit: 'MiB' },
      method: {
        timed: `VmRSS in /proc/<pid>/status of the tenant process that admin started (Node ${process.version}), after it woke, served 30 requests (GET /api/me, /api/objects, /api/meta-model) and then had none for ${idleSeconds} s`,
        samples: '1',
        warmUp: 'the 30 requests',
        concurrency: '-',
        notes: 'VmRSS counts pages shared with other processes (the node binary, shared libraries) in full; RssAnon and RssFile split it into memory of this process and mapped files.',
      },
    }),
    figure({
      id: 'platform.density',
      suite: SUITE,
      label: 'Active tenants this machine carries (estimate from memory)',
      result: `about ${formatCount(tenants)} (${round(available / MiB / 1024, 1)} GiB available ÷ ${round(perTenant / MiB, 1)} MiB per tenant)`,
      measurements: { tenants, availableMiB: available / MiB, perTenantMiB: perTenant / MiB, tenantPrivateMiB: tenantPrivate / MiB, backendPrivateMiB: backendPrivate / MiB },
      method: {
        timed: 'tenants = MemAvailable ÷ (private memory of the idle tenant process + private memory of the PostgreSQL backends connected to its database), each from Private_Clean + Private_Dirty in /proc/<pid>/smaps_rollup; MemAvailable from /proc/meminfo with the benchmark still running',
        samples: '1',
        warmUp: 'as for the resident memory',
        concurrency: '-',
        notes: 'An estimate of memory alone: it leaves out CPU (two cores serve few busy tenants at once), PostgreSQL shared buffers, which all tenants share, and the growth of a tenant under load.',
      },
      details: { pid },
    }),
  ];
}

/** Sums the private memory of the PostgreSQL backends that serve the tenant's database. */
async function readBackendMemory(platform: BenchPlatform, name: string): Promise<number> {
  const paths = dataPaths(platform.config);
  const client = new pg.Client({
    host: '127.0.0.1',
    port: platform.config.ports.embeddedPostgres,
    user: EMBEDDED_SUPERUSER,
    password: await readSecretText(paths.embeddedPostgresPasswordFile),
    database: 'postgres',
  });
  await client.connect();
  try {
    const result = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [tenantDatabaseNames(name).database]);
    let total = 0;
    for (const { pid } of result.rows) total += await readPrivateMemory(pid);
    return total;
  } finally {
    await client.end();
  }
}
