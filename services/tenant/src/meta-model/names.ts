import type { LocalizedText } from '@esm/common';
import type { Transaction } from '../db/transaction.js';

/** Returns a row's Swedish and English names as the values of an error message take them. */
export function localizedName(row: { nameSv: string; nameEn: string }): LocalizedText {
  return { sv: row.nameSv, en: row.nameEn };
}

/** Returns a key as its own name in both languages, for a type or dimension that does not exist. */
export function keyAsName(key: string): LocalizedText {
  return { sv: key, en: key };
}

/** Joins names with commas, language by language. */
export function joinNames(names: LocalizedText[]): LocalizedText {
  return { sv: names.map((name) => name.sv).join(', '), en: names.map((name) => name.en).join(', ') };
}

/** Reads the names of the object types with `keys`. A key that no type has is named by itself. */
export async function readObjectTypeNames(transaction: Transaction, keys: string[]): Promise<Map<string, LocalizedText>> {
  const result = await transaction.query<{ key: string; name_sv: string; name_en: string }>(
    'SELECT key, name_sv, name_en FROM object_types WHERE key = ANY($1::text[])',
    [keys],
  );
  const names = new Map(keys.map((key) => [key, keyAsName(key)]));
  for (const row of result.rows) names.set(row.key, { sv: row.name_sv, en: row.name_en });
  return names;
}

/** Reads the name of one object type, or returns the key when no type has it. */
export async function readObjectTypeName(transaction: Transaction, key: string): Promise<LocalizedText> {
  return (await readObjectTypeNames(transaction, [key])).get(key)!;
}

/** Reads the names of the relation types with `keys`. A key that no type has is named by itself. */
export async function readRelationTypeNames(transaction: Transaction, keys: string[]): Promise<Map<string, LocalizedText>> {
  const result = await transaction.query<{ key: string; name_sv: string; name_en: string }>(
    'SELECT key, name_sv, name_en FROM relation_types WHERE key = ANY($1::text[])',
    [keys],
  );
  const names = new Map(keys.map((key) => [key, keyAsName(key)]));
  for (const row of result.rows) names.set(row.key, { sv: row.name_sv, en: row.name_en });
  return names;
}

/** Reads the name of a classification dimension, or returns the key when the scale has no such dimension. */
export async function readDimensionName(transaction: Transaction, key: string): Promise<LocalizedText> {
  const result = await transaction.query<{ name_sv: string; name_en: string }>('SELECT name_sv, name_en FROM classification_dimensions WHERE key = $1', [
    key,
  ]);
  const row = result.rows[0];
  return row ? { sv: row.name_sv, en: row.name_en } : keyAsName(key);
}
