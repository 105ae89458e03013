import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { AppError } from '@esm/common';
import { BACKUP_ERRORS } from './errors.js';

/** Version of the archive layout below; readers reject other versions. */
export const ARCHIVE_FORMAT = 1;
const MANIFEST_NAME = 'manifest.json';

/** One table's file in an archive: CSV without a header, columns as listed. */
export interface ManifestTable {
  name: string;
  file: string;
  columns: string[];
  orderBy: string[];
  rows: number;
  bytes: number;
  sha256: string;
}

/**
 * The first entry of every archive. It lists the tables in dependency order,
 * so a restore loads them in this order too.
 */
export interface BackupManifest {
  format: number;
  tenant: string;
  /** When the backup's snapshot was taken (ISO 8601). */
  createdAt: string;
  schema: string;
  /** Names of the applied tenant migrations in the order they ran. */
  migrations: string[];
  /** The last applied migration, or null for a database that was never migrated. */
  migrationVersion: string | null;
  serverVersion: string;
  tables: ManifestTable[];
}

/** Creates a pass-through stream that computes the SHA-256 and the byte count of what passes. */
export function createDigestStream(): Transform & { sha256(): string; bytes(): number } {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  return Object.assign(stream, { sha256: () => hash.digest('hex'), bytes: () => bytes });
}

/**
 * Writes the manifest and the table files as a gzip-compressed tar to
 * `file` (mode 0600). It writes to a temporary name beside it, syncs and
 * renames, so the archive exists complete or not at all. Returns its size.
 */
export async function writeArchive(file: string, manifest: BackupManifest, tableFiles: Map<string, string>): Promise<number> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const pack = tar.pack();
    const written = pipeline(pack, createGzip(), createWriteStream(temporary, { mode: 0o600, flags: 'wx' }));
    await addEntry(pack, { name: MANIFEST_NAME, size: 0 }, Buffer.from(JSON.stringify(manifest, null, 2)));
    for (const table of manifest.tables) {
      const source = tableFiles.get(table.name);
      if (!source) throw new Error(`no file was written for table ${table.name}`);
      await addEntry(pack, { name: table.file, size: table.bytes }, source);
    }
    pack.finalize();
    await written;

    const handle = await open(temporary, 'r+');
    try {
      await handle.sync();
      const { size } = await handle.stat();
      await rename(temporary, file);
      return size;
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function addEntry(pack: tar.Pack, header: { name: string; size: number }, content: Buffer | string): Promise<void> {
  // tar-stream calls back once the entry is complete, and fails it when its size differs from the header.
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    if (Buffer.isBuffer(content)) {
      pack.entry({ ...header, size: content.length, mode: 0o600 }, content, done);
      return;
    }
    const sink = pack.entry({ ...header, mode: 0o600 }, done);
    pipeline(createReadStream(content), sink).catch(reject);
  });
}

/** An archive unpacked into a folder, every file checked against the manifest. */
export interface UnpackedArchive {
  manifest: BackupManifest;
  /** The path of each table's file in the folder, by table name. */
  tableFiles: Map<string, string>;
}

/**
 * Unpacks an archive into `folder` (which must exist and be empty) and checks
 * each table file's size and SHA-256 against the manifest before anything is
 * loaded. Throws BACKUP_ARCHIVE_CORRUPT when the compressed data, the tar
 * structure, the manifest or a file does not check out.
 */
export async function unpackArchive(file: string, folder: string, label: string): Promise<UnpackedArchive> {
  const corrupt = (reason: string, cause?: unknown) =>
    new AppError(BACKUP_ERRORS.archiveCorrupt, { values: { backup: label, reason }, cause, detail: `${file}: ${reason}` });

  const extract = tar.extract();
  const reading = pipeline(createReadStream(file), createGunzip(), extract);
  // The loop below receives the same failure, so this only keeps the rejection from being unhandled.
  reading.catch(() => undefined);

  let manifest: BackupManifest | null = null;
  const tableFiles = new Map<string, string>();
  try {
    for await (const entry of extract) {
      if (!manifest) {
        if (entry.header.name !== MANIFEST_NAME) throw corrupt('the manifest is not the first entry');
        manifest = parseManifest(await readAll(entry), corrupt);
        continue;
      }
      const table = manifest.tables.find((candidate) => candidate.file === entry.header.name);
      if (!table || tableFiles.has(table.name)) throw corrupt(`unexpected entry ${entry.header.name}`);
      const target = path.join(folder, `${tableFiles.size}.csv`);
      const digest = createDigestStream();
      await pipeline(entry, digest, createWriteStream(target, { mode: 0o600, flags: 'wx' }));
      if (digest.bytes() !== table.bytes || digest.sha256() !== table.sha256) {
        throw corrupt(`${table.file} does not match the SHA-256 in the manifest`);
      }
      tableFiles.set(table.name, target);
    }
    await reading;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw corrupt('the archive cannot be read (damaged or cut short)', error);
  }
  if (!manifest) throw corrupt('the archive is empty');
  const missing = manifest.tables.find((table) => !tableFiles.has(table.name));
  if (missing) throw corrupt(`${missing.file} is missing`);
  return { manifest, tableFiles };
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseManifest(content: Buffer, corrupt: (reason: string) => AppError): BackupManifest {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(content.toString('utf8')) as BackupManifest;
  } catch {
    throw corrupt('the manifest is not valid JSON');
  }
  if (manifest.format !== ARCHIVE_FORMAT || !Array.isArray(manifest.tables) || !Array.isArray(manifest.migrations)) {
    throw corrupt(`the manifest format is not ${ARCHIVE_FORMAT}`);
  }
  return manifest;
}
