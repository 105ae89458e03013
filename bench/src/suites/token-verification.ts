import type autocannon from 'autocannon';
import { jwtVerify } from 'jose';
import { Bench } from 'tinybench';
import { figure, round, type Figure } from '../figures.js';
import { runLoad } from '../http-load.js';
import { formatCount, progress } from '../progress.js';
import { DurationRecorder } from '../statistics.js';
import { pickObjects, type SuiteContext } from './context.js';

const SUITE = 'token';

/**
 * Times one ES512 verification on its own. Then reads objects through the
 * tenant process with its verified-token cache switched off (every request
 * verifies the signature) and on (one verification per token). The modes
 * alternate in rounds, so changing load on the machine hits both alike.
 */
export async function runTokenSuite(context: SuiteContext): Promise<Figure[]> {
  const { scale } = context;
  const { tenant, model, server, reader } = await context.modelTenant();
  const token = await tenant.signToken(reader);

  progress(SUITE, 'timing jose jwtVerify with ES512 in this process');
  const [kid, publicKey] = [...tenant.keys.verificationKeys.entries()][0]!;
  const bench = new Bench({ time: scale.quick ? 500 : 3_000, warmupTime: scale.quick ? 200 : 1_000 });
  bench.add('jwtVerify ES512', async () => {
    await jwtVerify(token, publicKey, { algorithms: ['ES512'] });
  });
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`the ES512 verification benchmark ended in state ${result.state}`);
  const raw = result.latency;

  const ids = pickObjects(model, 1_000);
  let next = 0;
  const requests: autocannon.Request[] = [
    { method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/objects/${ids[next++ % ids.length]}` }) },
  ];
  const load = { baseUrl: server.baseUrl, connections: scale.connections, headers: { authorization: `Bearer ${token}` }, requests };

  progress(SUITE, `warming up the read route for ${scale.warmUpSeconds} s`);
  await runLoad({ ...load, durationSeconds: scale.warmUpSeconds });
  const rounds = scale.quick ? 1 : 3;
  const roundSeconds = scale.quick ? 2 : 5;
  const full = { requests: 0, seconds: 0, latency: new DurationRecorder() };
  const cached = { requests: 0, seconds: 0, latency: new DurationRecorder() };
  for (let round = 1; round <= rounds; round += 1) {
    for (const [enabled, totals] of [[false, full], [true, cached]] as const) {
      await server.setTokenCache(enabled);
      const run = await runLoad({ ...load, durationSeconds: roundSeconds, combinedLatency: totals.latency });
      totals.requests += run.requests;
      totals.seconds += run.durationSeconds;
      progress(SUITE, `round ${round} of ${rounds}, cache ${enabled ? 'on' : 'off'}: ${formatCount(Math.round(run.requestsPerSecond))} requests/s`);
    }
  }
  await server.setTokenCache(true);

  const fullRate = full.requests / full.seconds;
  const cachedRate = cached.requests / cached.seconds;
  const fullLatency = full.latency.summary();
  const cachedLatency = cached.latency.summary();
  return [
    figure({
      id: 'token.verification',
      suite: SUITE,
      label: 'One ES512 verification (jose jwtVerify)',
      result: `${round(raw.mean, 3)} ms mean, p99 ${round(raw.p99, 3)} ms (${formatCount(Math.round(1000 / raw.mean))} per second on one core)`,
      measurements: { meanMs: raw.mean, p50Ms: raw.p50, p99Ms: raw.p99, samples: raw.samplesCount },
      method: {
        timed: `jose jwtVerify of a tenant access token (kid ${kid}) against the tenant's P-521 public key, in the benchmark process, no HTTP`,
        samples: `${formatCount(raw.samplesCount)} calls in ${scale.quick ? 0.5 : 3} s (tinybench)`,
        warmUp: `${scale.quick ? 0.2 : 1} s of calls`,
        concurrency: '1, sequential',
      },
    }),
    figure({
      id: 'token.ratio',
      suite: SUITE,
      label: 'Read one object: throughput with full verification ÷ with the verified-token cache',
      result: `${round(fullRate / cachedRate, 2)} (${formatCount(Math.round(fullRate))} vs ${formatCount(Math.round(cachedRate))} requests/s; p95 ${round(fullLatency.p95Ms)} vs ${round(cachedLatency.p95Ms)} ms)`,
      measurements: {
        ratio: fullRate / cachedRate,
        fullRequestsPerSecond: fullRate,
        cachedRequestsPerSecond: cachedRate,
        fullP50Ms: fullLatency.p50Ms,
        fullP95Ms: fullLatency.p95Ms,
        cachedP50Ms: cachedLatency.p50Ms,
        cachedP95Ms: cachedLatency.p95Ms,
      },
      target: { measurement: 'ratio', name: 'ratio', comparison: 'at least', value: 0.9, unit: '' },
      method: {
        timed: 'GET /api/objects/:id over HTTP on 127.0.0.1 against the tenant process, a read user, 1,000 objects in turn; each response from request written to last byte (autocannon)',
        samples: `${rounds} ${rounds === 1 ? 'round' : 'rounds'} of ${roundSeconds} s per mode, alternating cache off and on; ${formatCount(full.requests)} and ${formatCount(cached.requests)} requests`,
        warmUp: `${scale.warmUpSeconds} s with the cache on before the first round`,
        concurrency: `${scale.connections} connections, each sending its next request when the previous response has arrived`,
        notes: 'Off: the cache finds and stores nothing, so every request runs jwtVerify. On: one token, verified once. The session and user query runs on every request in both modes.',
      },
    }),
  ];
}
