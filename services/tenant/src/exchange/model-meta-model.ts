import type { Transaction } from '../db/transaction.js';
import type { ImportCounts } from './model-types.js';
import type { PreparedModelImport } from './model-validate.js';

/**
 * Writes the document's meta-model and classification scale as
 * MetaModelMode describes. Entries are matched by key. In 'replace' mode the
 * types, attributes, relation types, dimensions and levels that the document
 * lacks are removed, except the built-in types and relation types; in
 * 'merge' mode nothing is removed. A built-in type keeps its role.
 */
export async function writeMetaModel(
  transaction: Transaction,
  prepared: PreparedModelImport,
): Promise<Pick<ImportCounts, 'objectTypes' | 'relationTypes' | 'classificationDimensions'>> {
  const section = prepared.metaModel;
  if (!section) return { objectTypes: 0, relationTypes: 0, classificationDimensions: 0 };
  const replace = prepared.mode === 'replace';
  const types = section.objectTypes;
  const typeKeys = types.map((type) => type.key);

  await transaction.query(
    `INSERT INTO object_types (key, name_sv, name_en, icon, role, sort_order)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[])
     ON CONFLICT (key) DO UPDATE SET name_sv = EXCLUDED.name_sv, name_en = EXCLUDED.name_en, icon = EXCLUDED.icon,
       role = CASE WHEN object_types.built_in THEN object_types.role ELSE EXCLUDED.role END,
       sort_order = EXCLUDED.sort_order, version = object_types.version + 1, updated_at = now()`,
    [typeKeys, types.map((type) => type.nameSv), types.map((type) => type.nameEn), types.map((type) => type.icon), types.map((type) => type.role), types.map((type) => type.sortOrder)],
  );

  if (replace) {
    // Attributes go first: those of removed types, and those the document drops from its own types.
    await transaction.query(
      `DELETE FROM attribute_definitions d USING object_types t
       WHERE t.key = d.object_type
         AND ((NOT t.built_in AND NOT d.object_type = ANY($1::text[]))
              OR (d.object_type = ANY($1::text[]) AND NOT (d.object_type || ' ' || d.key) = ANY($2::text[])))`,
      [typeKeys, types.flatMap((type) => type.attributes.map((attribute) => `${type.key} ${attribute.key}`))],
    );
  }
  const attributes = types.flatMap((type) => type.attributes.map((attribute) => ({ type: type.key, ...attribute })));
  await transaction.query(
    `INSERT INTO attribute_definitions (object_type, key, name_sv, name_en, kind, choices, reference_type, required, sort_order)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::boolean[], $9::int[])
     ON CONFLICT (object_type, key) DO UPDATE SET name_sv = EXCLUDED.name_sv, name_en = EXCLUDED.name_en, kind = EXCLUDED.kind,
       choices = EXCLUDED.choices, reference_type = EXCLUDED.reference_type, required = EXCLUDED.required, sort_order = EXCLUDED.sort_order`,
    [
      attributes.map((attribute) => attribute.type),
      attributes.map((attribute) => attribute.key),
      attributes.map((attribute) => attribute.nameSv),
      attributes.map((attribute) => attribute.nameEn),
      attributes.map((attribute) => attribute.kind),
      attributes.map((attribute) => JSON.stringify(attribute.choices)),
      attributes.map((attribute) => attribute.referenceType),
      attributes.map((attribute) => attribute.required),
      attributes.map((attribute) => attribute.sortOrder),
    ],
  );

  const relationTypes = section.relationTypes;
  if (replace) await transaction.query('DELETE FROM relation_types WHERE NOT built_in AND NOT key = ANY($1::text[])', [relationTypes.map((type) => type.key)]);
  // Allowed end lists differ in length, which a two-dimensional array cannot hold, so they travel as JSON.
  await transaction.query(
    `INSERT INTO relation_types (key, name_sv, name_en, reverse_name_sv, reverse_name_en, source_types, target_types, protection_flow, sort_order)
     SELECT key, name_sv, name_en, reverse_name_sv, reverse_name_en,
            CASE WHEN source_types IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(source_types)) END,
            CASE WHEN target_types IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(target_types)) END,
            protection_flow, sort_order
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::text[], $9::int[])
       AS item(key, name_sv, name_en, reverse_name_sv, reverse_name_en, source_types, target_types, protection_flow, sort_order)
     ON CONFLICT (key) DO UPDATE SET name_sv = EXCLUDED.name_sv, name_en = EXCLUDED.name_en, reverse_name_sv = EXCLUDED.reverse_name_sv,
       reverse_name_en = EXCLUDED.reverse_name_en, source_types = EXCLUDED.source_types, target_types = EXCLUDED.target_types,
       protection_flow = EXCLUDED.protection_flow, sort_order = EXCLUDED.sort_order, version = relation_types.version + 1, updated_at = now()`,
    [
      relationTypes.map((type) => type.key),
      relationTypes.map((type) => type.nameSv),
      relationTypes.map((type) => type.nameEn),
      relationTypes.map((type) => type.reverseNameSv),
      relationTypes.map((type) => type.reverseNameEn),
      relationTypes.map((type) => (type.sourceTypes === null ? null : JSON.stringify(type.sourceTypes))),
      relationTypes.map((type) => (type.targetTypes === null ? null : JSON.stringify(type.targetTypes))),
      relationTypes.map((type) => type.protectionFlow),
      relationTypes.map((type) => type.sortOrder),
    ],
  );
  if (replace) await transaction.query('DELETE FROM object_types WHERE NOT built_in AND NOT key = ANY($1::text[])', [typeKeys]);

  await writeScale(transaction, prepared);
  return { objectTypes: types.length, relationTypes: relationTypes.length, classificationDimensions: section.classificationDimensions.length };
}

async function writeScale(transaction: Transaction, prepared: PreparedModelImport): Promise<void> {
  const dimensions = prepared.metaModel!.classificationDimensions;
  const levels = dimensions.flatMap((dimension) => dimension.levels.map((level) => ({ dimension: dimension.key, ...level })));
  if (prepared.mode === 'replace') {
    await transaction.query(
      `DELETE FROM classification_levels WHERE NOT (dimension || ' ' || level) = ANY($1::text[])`,
      [levels.map((level) => `${level.dimension} ${level.level}`)],
    );
    await transaction.query('DELETE FROM classification_dimensions WHERE NOT key = ANY($1::text[])', [dimensions.map((dimension) => dimension.key)]);
  }
  await transaction.query(
    `INSERT INTO classification_dimensions (key, name_sv, name_en, abbreviation_sv, abbreviation_en, sort_order)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[])
     ON CONFLICT (key) DO UPDATE SET name_sv = EXCLUDED.name_sv, name_en = EXCLUDED.name_en, abbreviation_sv = EXCLUDED.abbreviation_sv,
       abbreviation_en = EXCLUDED.abbreviation_en, sort_order = EXCLUDED.sort_order, version = classification_dimensions.version + 1`,
    [
      dimensions.map((dimension) => dimension.key),
      dimensions.map((dimension) => dimension.nameSv),
      dimensions.map((dimension) => dimension.nameEn),
      dimensions.map((dimension) => dimension.abbreviationSv),
      dimensions.map((dimension) => dimension.abbreviationEn),
      dimensions.map((dimension) => dimension.sortOrder),
    ],
  );
  await transaction.query(
    `INSERT INTO classification_levels (dimension, level, name_sv, name_en, description_sv, description_en)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
     ON CONFLICT (dimension, level) DO UPDATE SET name_sv = EXCLUDED.name_sv, name_en = EXCLUDED.name_en,
       description_sv = EXCLUDED.description_sv, description_en = EXCLUDED.description_en`,
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
