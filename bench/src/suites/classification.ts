import { performance } from 'node:perf_hooks';
import { lockClassification, recomputeAll, recomputeFrom } from '@esm/tenant/dist/classification/propagation.js';
import { figure, round, type Figure } from '../figures.js';
import { formatCount, progress } from '../progress.js';
import { summarizeDurations } from '../statistics.js';
import type { ModelTenant, SuiteContext } from './context.js';

const SUITE = 'classification';
const FULL_TARGET_MS = 1_000;
const CHANGE_TARGET_MS = 50;

/**
 * Times recomputeAll on the seeded tenant, and one level change of the hub
 * information object, both through recomputeFrom alone and through the
 * route a user calls.
 */
export async function runClassificationSuite(context: SuiteContext): Promise<Figure[]> {
  const model = await context.modelTenant();
  const samples = context.scale.quick ? 2 : 4;
  return [firstFullFigure(model), await measureFull(model, samples), ...(await measureHubChanges(model, samples))];
}

function firstFullFigure(model: ModelTenant): Figure {
  const { durationMs, changes, cycles } = model.firstRecompute;
  return figure({
    id: 'classification.full-first',
    suite: SUITE,
    label: 'Full recomputation right after seeding (recomputeAll writes every inherited level)',
    result: `${round(durationMs / 1000, 2)} s; ${formatCount(changes)} level changes, ${cycles} cycles`,
    measurements: { durationMs, changes, cycles },
    target: { measurement: 'durationMs', name: 'time', comparison: 'at most', value: FULL_TARGET_MS, unit: 'ms' },
    method: {
      timed: 'recomputeAll in a transaction of the app login, after lockClassification, until it returned (commit not included); no inherited level was stored before',
      samples: '1',
      warmUp: 'none (the first call in a fresh tenant process of the benchmark)',
      concurrency: '1, the tenant otherwise idle',
    },
  });
}

async function measureFull(model: ModelTenant, samples: number): Promise<Figure> {
  const durations: number[] = [];
  let changes = 0;
  for (let sample = 0; sample < samples; sample += 1) {
    const run = await model.tenant.transaction(async (transaction) => {
      await lockClassification(transaction);
      const start = performance.now();
      const result = await recomputeAll(transaction);
      return { durationMs: performance.now() - start, changes: result.changes };
    });
    durations.push(run.durationMs);
    changes = Math.max(changes, run.changes);
    progress(SUITE, `full recomputation ${sample + 1} of ${samples}: ${round(run.durationMs / 1000, 2)} s`);
  }
  const summary = summarizeDurations(durations);
  return figure({
    id: 'classification.full',
    suite: SUITE,
    label: 'Full recomputation of a classified tenant (recomputeAll)',
    result: `median ${round(summary.p50Ms / 1000, 2)} s (fastest ${round(summary.minMs / 1000, 2)}, slowest ${round(summary.maxMs / 1000, 2)} s)`,
    measurements: { medianMs: summary.p50Ms, minMs: summary.minMs, maxMs: summary.maxMs, samples, levelChanges: changes },
    target: { measurement: 'medianMs', name: 'median', comparison: 'at most', value: FULL_TARGET_MS, unit: 'ms' },
    method: {
      timed: 'recomputeAll in a transaction of the app login, after lockClassification, until it returned: it loads the whole flow graph and every stored level, propagates and compares (commit not included)',
      samples: `${samples} in a row`,
      warmUp: 'the first full recomputation after seeding',
      concurrency: '1, the tenant otherwise idle',
      notes: `Every level is already stored, so nothing is written (${changes} level changes), as after an import that changed little.`,
    },
  });
}

/**
 * Alternates the hub's confidentiality between 4 and 3 (every other
 * information object is at most 3, so the whole region it reaches moves),
 * first with recomputeFrom alone and then through PUT
 * /api/objects/:id/classification/confidentiality.
 */
async function measureHubChanges(model: ModelTenant, samples: number): Promise<Figure[]> {
  const hubId = model.model.objects[model.model.hub]!.id;
  const functionDurations: number[] = [];
  const functionChanges: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const level = sample % 2 === 0 ? 4 : 3;
    const run = await model.tenant.transaction(async (transaction) => {
      await lockClassification(transaction);
      await transaction.query("UPDATE classification_assignments SET level = $2 WHERE object_id = $1 AND dimension = 'confidentiality'", [hubId, level]);
      const start = performance.now();
      const changes = await recomputeFrom(transaction, [hubId]);
      return { durationMs: performance.now() - start, changes: changes.length };
    });
    functionDurations.push(run.durationMs);
    functionChanges.push(run.changes);
  }
  progress(SUITE, `recomputeFrom after a hub change: ${functionDurations.map((ms) => `${round(ms)} ms`).join(', ')}`);

  const token = await model.tenant.signToken(model.writer);
  const routeDurations: number[] = [];
  const routeChanges: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const level = sample % 2 === 0 ? 4 : 3;
    const stored = await model.tenant.owner.query<{ version: number }>(
      "SELECT version FROM esm.classification_assignments WHERE object_id = $1 AND dimension = 'confidentiality'",
      [hubId],
    );
    const start = performance.now();
    const response = await fetch(`${model.server.baseUrl}/api/objects/${hubId}/classification/confidentiality`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ level, justification: 'Ändrad av prestandatestet.', version: stored.rows[0]!.version }),
    });
    const body = await response.text();
    routeDurations.push(performance.now() - start);
    if (response.status !== 200) throw new Error(`changing the hub's level responded with ${response.status}: ${body}`);
    const audit = await model.tenant.owner.query<{ count: number }>(
      "SELECT (after ->> 'levelChangeCount')::int AS count FROM esm.audit_entries WHERE action = 'classification.set' ORDER BY id DESC LIMIT 1",
    );
    routeChanges.push(audit.rows[0]?.count ?? 0);
  }
  progress(SUITE, `the level route after a hub change: ${routeDurations.map((ms) => `${round(ms)} ms`).join(', ')}`);

  const reach = `the hub reaches ${formatCount(model.model.hubReach)} objects along relations that carry levels`;
  const target = { measurement: 'medianMs', name: 'median', comparison: 'at most', value: CHANGE_TARGET_MS, unit: 'ms' } as const;
  const functionSummary = summarizeDurations(functionDurations);
  const routeSummary = summarizeDurations(routeDurations);
  return [
    figure({
      id: 'classification.change-function',
      suite: SUITE,
      label: `One level change reaching ~${formatCount(model.model.hubReach)} objects: recomputeFrom`,
      result: `median ${round(functionSummary.p50Ms)} ms (slowest ${round(functionSummary.maxMs)} ms); ${functionChanges.join(', ')} level changes`,
      measurements: { medianMs: functionSummary.p50Ms, maxMs: functionSummary.maxMs, samples, hubReach: model.model.hubReach },
      target,
      method: {
        timed: `recomputeFrom(transaction, [hub]) after the hub's confidentiality was updated in the same transaction, until it returned (commit not included); ${reach}`,
        samples: `${samples}, alternating the level between 4 and 3`,
        warmUp: 'the full recomputations before',
        concurrency: '1, the tenant otherwise idle',
      },
    }),
    figure({
      id: 'classification.change-route',
      suite: SUITE,
      label: `One level change reaching ~${formatCount(model.model.hubReach)} objects: PUT /api/objects/:id/classification/:dimension`,
      result: `median ${round(routeSummary.p50Ms)} ms (slowest ${round(routeSummary.maxMs)} ms); ${routeChanges.join(', ')} level changes`,
      measurements: { medianMs: routeSummary.p50Ms, maxMs: routeSummary.maxMs, samples, hubReach: model.model.hubReach },
      target,
      method: {
        timed: `one HTTP request from sending to the last byte of the response: the route sets the level, runs recomputeFrom, queues the notice, writes the audit entry, commits, then reads the hub's levels with their explanations in a second transaction; ${reach}`,
        samples: `${samples}, alternating the level between 4 and 3`,
        warmUp: 'the recomputeFrom samples before',
        concurrency: '1, the tenant otherwise idle',
      },
    }),
  ];
}
