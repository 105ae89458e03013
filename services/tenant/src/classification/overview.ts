import type { Transaction } from '../db/transaction.js';

/** How many objects have each effective level of one dimension. */
export interface DimensionOverview {
  dimension: string;
  nameSv: string;
  nameEn: string;
  /** Every level of the scale, ascending, with its number of objects (zero included). */
  levels: { level: number; nameSv: string; nameEn: string; objects: number }[];
  /** Objects with neither an assigned nor an inherited level in the dimension. */
  unclassified: number;
}

export interface ClassificationOverview {
  /** The object type counted, or null for all types except requirement sets and requirements. */
  type: string | null;
  objects: number;
  dimensions: DimensionOverview[];
}

/**
 * Counts objects per effective level in every dimension. Without `type`,
 * objects of the requirement set and requirement roles are left out,
 * because they are not classified. With `type`, only objects of that type count.
 */
export async function readOverview(transaction: Transaction, type: string | null): Promise<ClassificationOverview> {
  const counted = await transaction.query<{ objects: number }>(
    `SELECT count(*)::int AS objects FROM objects o JOIN object_types t ON t.key = o.type
     WHERE CASE WHEN $1::text IS NULL THEN t.role NOT IN ('requirement_set', 'requirement') ELSE o.type = $1 END`,
    [type],
  );
  const byLevel = await transaction.query<{ dimension: string; level: number; objects: number }>(
    `SELECT e.dimension, e.level, count(*)::int AS objects
     FROM effective_levels e JOIN objects o ON o.id = e.object_id JOIN object_types t ON t.key = o.type
     WHERE CASE WHEN $1::text IS NULL THEN t.role NOT IN ('requirement_set', 'requirement') ELSE o.type = $1 END
     GROUP BY e.dimension, e.level`,
    [type],
  );
  const scale = await transaction.query<{ dimension: string; dimension_sv: string; dimension_en: string; level: number; name_sv: string; name_en: string }>(
    `SELECT d.key AS dimension, d.name_sv AS dimension_sv, d.name_en AS dimension_en, l.level, l.name_sv, l.name_en
     FROM classification_dimensions d JOIN classification_levels l ON l.dimension = d.key
     ORDER BY d.sort_order, d.key, l.level`,
  );

  const objects = counted.rows[0]!.objects;
  const dimensions = new Map<string, DimensionOverview>();
  for (const row of scale.rows) {
    let dimension = dimensions.get(row.dimension);
    if (!dimension) {
      dimension = { dimension: row.dimension, nameSv: row.dimension_sv, nameEn: row.dimension_en, levels: [], unclassified: objects };
      dimensions.set(row.dimension, dimension);
    }
    const count = byLevel.rows.find((level) => level.dimension === row.dimension && level.level === row.level)?.objects ?? 0;
    dimension.levels.push({ level: row.level, nameSv: row.name_sv, nameEn: row.name_en, objects: count });
    dimension.unclassified -= count;
  }
  return { type, objects, dimensions: [...dimensions.values()] };
}
