#!/usr/bin/env node
// Fails when an installed dependency has a known vulnerability of high or
// critical severity. When the registry's advisory service cannot be reached
// (an offline mirror, a proxy that refuses the bulk endpoint), it says so
// and exits 0, because no advisory data means nothing can be checked.
//
//   node scripts/audit-dependencies.mjs              run npm audit and judge it
//   node scripts/audit-dependencies.mjs REPORT.json  judge a saved `npm audit --json` report
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

const savedReport = process.argv[2];
const output = savedReport
  ? await readFile(savedReport, 'utf8')
  : await new Promise((resolve) => {
      execFile('npm', ['audit', '--json'], { maxBuffer: 64 * 1024 * 1024 }, (_error, stdout) => resolve(stdout));
    });

let report;
try {
  report = JSON.parse(output);
} catch {
  process.stderr.write('dependency audit: npm audit printed no JSON; advisory data unavailable, nothing checked\n');
  process.exit(0);
}

const counts = report.metadata?.vulnerabilities;
if (!counts) {
  const reason = report.message ?? report.error?.summary ?? 'unknown error';
  process.stderr.write(`dependency audit: advisory data unavailable (${reason}); nothing checked\n`);
  process.exit(0);
}

const severe = (counts.high ?? 0) + (counts.critical ?? 0);
const names = Object.values(report.vulnerabilities ?? {})
  .filter((entry) => entry.severity === 'high' || entry.severity === 'critical')
  .map((entry) => `${entry.name} (${entry.severity})`);
if (severe > 0) {
  process.stderr.write(`dependency audit: ${severe} high or critical vulnerabilities: ${names.join(', ')}\n`);
  process.exit(1);
}
process.stderr.write(`dependency audit: no high or critical vulnerabilities (${counts.total ?? 0} in all)\n`);
