import { readdir, readFile } from 'node:fs/promises';

/**
 * Finds the tenant process that admin started for a secret file: the one
 * process whose environment sets ESM_TENANT_SECRET_FILE to it. Reads
 * /proc, so it works on Linux only.
 */
export async function findTenantProcess(secretFile: string): Promise<number> {
  const expected = `ESM_TENANT_SECRET_FILE=${secretFile}`;
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    // Processes can end while the folder is read, and others' environments may be unreadable.
    const environment = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (environment.split('\0').includes(expected)) found.push(Number(entry));
  }
  if (found.length !== 1) throw new Error(`expected one tenant process for ${secretFile}, found ${found.length}`);
  return found[0]!;
}

/** Resident memory of a process from /proc/<pid>/status, in bytes. */
export interface ResidentMemory {
  /** VmRSS: every resident page the process maps, shared ones included. */
  resident: number;
  /** RssAnon: heap, stacks and other memory without a file behind it. */
  anonymous: number;
  /** RssFile: resident pages of mapped files, such as the node binary, which processes share. */
  file: number;
}

export async function readResidentMemory(pid: number): Promise<ResidentMemory> {
  const file = `/proc/${pid}/status`;
  const status = await readFile(file, 'utf8');
  return {
    resident: readKilobytes(status, 'VmRSS', file),
    anonymous: readKilobytes(status, 'RssAnon', file),
    file: readKilobytes(status, 'RssFile', file),
  };
}

/** Reads Private_Clean + Private_Dirty of a process from /proc/<pid>/smaps_rollup, in bytes: the memory no other process shares. */
export async function readPrivateMemory(pid: number): Promise<number> {
  const file = `/proc/${pid}/smaps_rollup`;
  const rollup = await readFile(file, 'utf8');
  return readKilobytes(rollup, 'Private_Clean', file) + readKilobytes(rollup, 'Private_Dirty', file);
}

function readKilobytes(text: string, field: string, file: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
  if (!match) throw new Error(`${file} has no ${field} line`);
  return Number(match[1]) * 1024;
}
