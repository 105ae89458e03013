import { readFile } from 'node:fs/promises';
import os from 'node:os';

/** The machine a run measured, as the results record it. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  /** Filled in once the embedded PostgreSQL server runs. */
  postgres: string | null;
}

export async function describeMachine(): Promise<MachineInfo> {
  return {
    cpuModel: await readCpuModel(),
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: null,
  };
}

async function readCpuModel(): Promise<string> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const line = cpuinfo.split('\n').find((entry) => entry.startsWith('model name'));
  return line?.split(':')[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
}

/** Returns the 1-, 5- and 15-minute load averages, rounded to two decimals. */
export function loadAverage(): [number, number, number] {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg().map((value) => Math.round(value * 100) / 100);
  return [one, five, fifteen];
}

/** Reads MemAvailable from /proc/meminfo, in bytes: what the kernel estimates new processes can use without swapping. */
export async function readAvailableMemory(): Promise<number> {
  const meminfo = await readFile('/proc/meminfo', 'utf8');
  const match = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo);
  if (!match) throw new Error('/proc/meminfo has no MemAvailable line');
  return Number(match[1]) * 1024;
}
