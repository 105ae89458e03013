import { isDeepStrictEqual } from 'node:util';
import { AppError } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../audit/audit.js';
import { notifyChange } from '../live/notify.js';
import { AppErrorWithDetails } from '../model/error-details.js';
import { localizedName } from '../meta-model/names.js';
import { CLASSIFICATION_ERRORS } from './errors.js';
import { lockClassification } from './propagation.js';

export interface ScaleLevel {
  level: number;
  nameSv: string;
  nameEn: string;
  descriptionSv: string;
  descriptionEn: string;
}

export interface ScaleDimension {
  key: string;
  nameSv: string;
  nameEn: string;
  abbreviationSv: string;
  abbreviationEn: string;
  /** Ascending by level. */
  levels: ScaleLevel[];
}

/**
 * The tenant's classification scale. Its version is the highest version of
 * its dimensions. Every change of the scale gives every dimension the next
 * version, so the version grows even when dimensions are removed.
 */
export interface Scale {
  version: number;
  /** In display order. */
  dimensions: ScaleDimension[];
}

/** Reads the scale; with `lock`, locks its dimensions until the transaction ends. */
export async function readScale(transaction: Transaction, options: { lock?: boolean } = {}): Promise<Scale> {
  const dimensions = await transaction.query<{
    key: string;
    name_sv: string;
    name_en: string;
    abbreviation_sv: string;
    abbreviation_en: string;
    version: number;
  }>(
    `SELECT key, name_sv, name_en, abbreviation_sv, abbreviation_en, version
     FROM classification_dimensions ORDER BY sort_order, key ${options.lock ? 'FOR UPDATE' : ''}`,
  );
  const levels = await transaction.query<{
    dimension: string;
    level: number;
    name_sv: string;
    name_en: string;
    description_sv: string;
    description_en: string;
  }>('SELECT dimension, level, name_sv, name_en, description_sv, description_en FROM classification_levels ORDER BY dimension, level');

  return {
    version: Math.max(0, ...dimensions.rows.map((row) => row.version)),
    dimensions: dimensions.rows.map((row) => ({
      key: row.key,
      nameSv: row.name_sv,
      nameEn: row.name_en,
      abbreviationSv: row.abbreviation_sv,
      abbreviationEn: row.abbreviation_en,
      levels: levels.rows
        .filter((level) => level.dimension === row.key)
        .map((level) => ({
          level: level.level,
          nameSv: level.name_sv,
          nameEn: level.name_en,
          descriptionSv: level.description_sv,
          descriptionEn: level.description_en,
        })),
    })),
  };
}

/** A new scale, with the version of the scale it replaces. */
export interface ScaleReplacement {
  version: number;
  dimensions: ScaleDimension[];
}

/**
 * Replaces the scale: adds, renames and removes dimensions and levels, and
 * orders the dimensions as listed. Renaming changes display names only;
 * stored levels are numbers and stay as they are. Throws 409
 * CLASSIFICATION_SCALE_VERSION_CONFLICT on a stale version, 422 for a
 * dimension or level listed twice, 409 CLASSIFICATION_DIMENSION_IN_USE or
 * CLASSIFICATION_LEVEL_IN_USE when a removal would drop levels set by hand
 * or applicability rules.
 */
export async function replaceScale(transaction: Transaction, source: AuditSource, replacement: ScaleReplacement): Promise<Scale> {
  // Taken first, as by every writer of levels, so no level is set between the checks below and the removal.
  await lockClassification(transaction);
  const before = await readScale(transaction, { lock: true });
  checkScaleVersion(before, replacement);
  checkNoDuplicates(replacement.dimensions);
  await checkRemovalsUnused(transaction, before, replacement.dimensions);

  const version = before.version + 1;
  await writeScale(transaction, replacement.dimensions, version);
  const after = await readScale(transaction);

  await notifyChange(transaction, { entity: 'classification-scale', action: 'updated', id: null, version });
  await writeAuditEntry(transaction, source, {
    action: 'classification-scale.changed',
    entityType: 'classification',
    entityId: null,
    before,
    after,
    summary: `classification scale version ${version}`,
  });
  return after;
}

function checkScaleVersion(current: Scale, replacement: ScaleReplacement): void {
  if (replacement.version === current.version) return;
  const keys = new Set([...current.dimensions, ...replacement.dimensions].map((dimension) => dimension.key));
  const differingFields = [...keys]
    .filter((key) => {
      const requested = replacement.dimensions.find((dimension) => dimension.key === key);
      const existing = current.dimensions.find((dimension) => dimension.key === key);
      return !isDeepStrictEqual(requested, existing);
    })
    .sort();
  throw new AppErrorWithDetails(
    CLASSIFICATION_ERRORS.scaleVersionConflict,
    { current, differingFields },
    {
      values: { requested: replacement.version, current: current.version },
      detail: `scale is at version ${current.version}, the request names ${replacement.version}`,
    },
  );
}

function checkNoDuplicates(dimensions: ScaleDimension[]): void {
  const keys = new Set<string>();
  for (const dimension of dimensions) {
    if (keys.has(dimension.key)) throw new AppError(CLASSIFICATION_ERRORS.scaleDuplicateDimension, { values: { dimension: dimension.key } });
    keys.add(dimension.key);
    const levels = new Set<number>();
    for (const { level } of dimension.levels) {
      if (levels.has(level)) throw new AppError(CLASSIFICATION_ERRORS.scaleDuplicateLevel, { values: { dimension: dimension.key, level } });
      levels.add(level);
    }
  }
}

async function checkRemovalsUnused(transaction: Transaction, before: Scale, dimensions: ScaleDimension[]): Promise<void> {
  const usage = await transaction.query<{ dimension: string; level: number; objects: number }>(
    'SELECT dimension, level, count(*)::int AS objects FROM classification_assignments GROUP BY dimension, level',
  );
  const rules = await transaction.query<{ dimension: string; rules: number }>(
    'SELECT dimension, count(*)::int AS rules FROM applicability_rules WHERE dimension IS NOT NULL GROUP BY dimension',
  );

  for (const existing of before.dimensions) {
    const replacing = dimensions.find((dimension) => dimension.key === existing.key);
    const used = usage.rows.filter((row) => row.dimension === existing.key);
    if (!replacing) {
      const objects = used.reduce((sum, row) => sum + row.objects, 0);
      const ruleCount = rules.rows.find((row) => row.dimension === existing.key)?.rules ?? 0;
      if (objects > 0 || ruleCount > 0) {
        throw new AppError(CLASSIFICATION_ERRORS.dimensionInUse, { values: { dimension: localizedName(existing), objects, rules: ruleCount } });
      }
      continue;
    }
    for (const row of used) {
      if (!replacing.levels.some((level) => level.level === row.level)) {
        throw new AppError(CLASSIFICATION_ERRORS.levelInUse, { values: { dimension: localizedName(existing), level: row.level, objects: row.objects } });
      }
    }
  }
}

async function writeScale(transaction: Transaction, dimensions: ScaleDimension[], version: number): Promise<void> {
  const keys = dimensions.map((dimension) => dimension.key);
  await transaction.query('DELETE FROM classification_dimensions WHERE key <> ALL ($1::text[])', [keys]);
  await transaction.query(
    `INSERT INTO classification_dimensions (key, name_sv, name_en, abbreviation_sv, abbreviation_en, sort_order, version)
     SELECT d.key, d.name_sv, d.name_en, d.abbreviation_sv, d.abbreviation_en, d.position * 10, $6
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY
       AS d (key, name_sv, name_en, abbreviation_sv, abbreviation_en, position)
     ON CONFLICT (key) DO UPDATE SET name_sv = excluded.name_sv, name_en = excluded.name_en,
       abbreviation_sv = excluded.abbreviation_sv, abbreviation_en = excluded.abbreviation_en,
       sort_order = excluded.sort_order, version = excluded.version`,
    [
      keys,
      dimensions.map((dimension) => dimension.nameSv),
      dimensions.map((dimension) => dimension.nameEn),
      dimensions.map((dimension) => dimension.abbreviationSv),
      dimensions.map((dimension) => dimension.abbreviationEn),
      version,
    ],
  );

  const levels = dimensions.flatMap((dimension) => dimension.levels.map((level) => ({ dimension: dimension.key, ...level })));
  await transaction.query(
    `DELETE FROM classification_levels l
     WHERE NOT EXISTS (SELECT 1 FROM unnest($1::text[], $2::int[]) AS k (dimension, level) WHERE k.dimension = l.dimension AND k.level = l.level)`,
    [levels.map((level) => level.dimension), levels.map((level) => level.level)],
  );
  await transaction.query(
    `INSERT INTO classification_levels (dimension, level, name_sv, name_en, description_sv, description_en)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
     ON CONFLICT (dimension, level) DO UPDATE SET name_sv = excluded.name_sv, name_en = excluded.name_en,
       description_sv = excluded.description_sv, description_en = excluded.description_en`,
    [
      levels.map((level) => level.dimension),
      levels.map((level) => level.level),
      levels.map((level) => level.nameSv),
      levels.map((level) => level.nameEn),
      levels.map((level) => level.descriptionSv),
      levels.map((level) => level.descriptionEn),
    ],
  );
}
