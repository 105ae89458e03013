import type { Transaction } from '../db/transaction.js';

/** A level of a classification dimension with its names. */
export interface ScaleLevel {
  level: number;
  nameSv: string;
  nameEn: string;
  descriptionSv: string;
  descriptionEn: string;
}

/** A classification dimension with its levels in ascending order. */
export interface ScaleDimension {
  key: string;
  nameSv: string;
  nameEn: string;
  abbreviationSv: string;
  abbreviationEn: string;
  sortOrder: number;
  levels: ScaleLevel[];
}

/** Reads the tenant's classification scale: every dimension in sort order with its levels. */
export async function readClassificationScale(transaction: Transaction): Promise<ScaleDimension[]> {
  const dimensions = await transaction.query(
    `SELECT key, name_sv, name_en, abbreviation_sv, abbreviation_en, sort_order FROM classification_dimensions ORDER BY sort_order, key`,
  );
  const levels = await transaction.query(
    'SELECT dimension, level, name_sv, name_en, description_sv, description_en FROM classification_levels ORDER BY dimension, level',
  );
  return dimensions.rows.map((row) => ({
    key: row.key as string,
    nameSv: row.name_sv as string,
    nameEn: row.name_en as string,
    abbreviationSv: row.abbreviation_sv as string,
    abbreviationEn: row.abbreviation_en as string,
    sortOrder: row.sort_order as number,
    levels: levels.rows
      .filter((level) => level.dimension === row.key)
      .map((level) => ({
        level: level.level as number,
        nameSv: level.name_sv as string,
        nameEn: level.name_en as string,
        descriptionSv: level.description_sv as string,
        descriptionEn: level.description_en as string,
      })),
  }));
}
