import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { lockClassification, recomputeAll } from '../../classification/propagation.js';
import { notifyChange } from '../../live/notify.js';
import { convertAttributeValue, isMissingValue } from '../../meta-model/attribute-values.js';
import type { Attributes } from '../../model/schemas.js';
import { ARCHIMATE_ERRORS } from './errors.js';
import { prepareImportMetaModel, type ImportMetaModel } from './import-meta-model.js';
import { BATCH_SIZE, type ImportProgress, type WriteCounts } from './import-progress.js';
import { writeRelations } from './import-relations.js';
import type { ArchimateElement, ArchimateModel } from './parse.js';

export type { ImportProgress } from './import-progress.js';

/** The result of an import, as the `finished` line and the audit entry report it. */
export interface ArchimateImportResult {
  objects: WriteCounts;
  relations: WriteCounts;
  createdObjectTypes: string[];
  createdAttributes: string[];
  /** How many inherited levels the recomputation after the import changed. */
  levelChanges: number;
}

interface StoredObject {
  id: string;
  type: string;
  name: string;
  description: string;
  attributes: Attributes;
  external_id: string;
}

/**
 * Writes a checked model into the caller's transaction, so a failure leaves
 * everything unchanged. Elements become objects of the mapped types (see
 * type-mapping.ts), relationships become relations of the `archimate_`
 * relation types, and properties become attributes.
 *
 * An element whose identifier an object has as its external id updates that
 * object: its name, description and the attributes of the file's properties
 * (its type and other attributes stay). Relations are matched the same way
 * (see writeRelations). Objects and relations that the file lacks are kept.
 *
 * Creating object types and attributes needs `mayChangeMetaModel` (an
 * administrator's import); see prepareImportMetaModel.
 *
 * Follows the write rules of the modelling core: the classification lock
 * first, every level recomputed at the end, one notice for the whole model,
 * and one `import.archimate` audit entry last.
 */
export async function importArchimateModel(
  transaction: Transaction,
  source: AuditSource,
  model: ArchimateModel,
  options: { mayChangeMetaModel: boolean; onProgress: (progress: ImportProgress) => void },
): Promise<ArchimateImportResult> {
  const { onProgress } = options;
  await lockClassification(transaction);
  const existing = await readMatchedObjects(transaction, model.elements.map((element) => element.identifier));
  const metaModel = await prepareImportMetaModel(
    transaction,
    model.elements,
    new Map([...existing].map(([identifier, object]) => [identifier, object.type])),
    { mayChangeMetaModel: options.mayChangeMetaModel },
  );

  const objectIds = new Map<string, string>();
  const objects = await writeObjects(transaction, source.actorId, model.elements, existing, metaModel, objectIds, onProgress);
  const relations = await writeRelations(transaction, source.actorId, model.relationships, objectIds, onProgress);
  const classification = await recomputeAll(transaction);

  const result: ArchimateImportResult = {
    objects,
    relations,
    createdObjectTypes: metaModel.createdObjectTypes,
    createdAttributes: metaModel.createdAttributes,
    levelChanges: classification.changes,
  };
  await notifyChange(transaction, { entity: 'model', action: 'imported', id: null });
  await writeAuditEntry(transaction, source, {
    action: 'import.archimate',
    entityType: 'model',
    entityId: null,
    before: null,
    after: result,
    summary:
      `ArchiMate import: ${objects.created} objects created, ${objects.updated} updated; ` +
      `${relations.created} relations created, ${relations.updated} updated`,
  });
  return result;
}

/** Reads and locks the objects whose external id is one of the element identifiers. */
async function readMatchedObjects(transaction: Transaction, identifiers: string[]): Promise<Map<string, StoredObject>> {
  const result = await transaction.query<StoredObject & { role: string }>(
    `SELECT o.id, o.type, o.name, o.description, o.attributes, o.external_id, t.role
     FROM objects o JOIN object_types t ON t.key = o.type
     WHERE o.external_id = ANY($1::text[]) ORDER BY o.id FOR UPDATE OF o`,
    [identifiers],
  );
  const requirement = result.rows.find((row) => row.role === 'requirement_set' || row.role === 'requirement');
  if (requirement) {
    throw new AppError(ARCHIMATE_ERRORS.matchesRequirement, { values: { identifier: requirement.external_id, name: requirement.name } });
  }
  return new Map(result.rows.map(({ role: _role, ...row }) => [row.external_id, row]));
}

/** Inserts the new objects and updates the matched ones that differ, filling `objectIds` for the relations. */
async function writeObjects(
  transaction: Transaction,
  actorId: string | null,
  elements: ArchimateElement[],
  existing: Map<string, StoredObject>,
  metaModel: ImportMetaModel,
  objectIds: Map<string, string>,
  onProgress: (progress: ImportProgress) => void,
): Promise<WriteCounts> {
  const inserts: { id: string; element: ArchimateElement; type: string; attributes: Attributes }[] = [];
  const updates: { id: string; element: ArchimateElement; attributes: Attributes }[] = [];
  let unchanged = 0;

  for (const element of elements) {
    const stored = existing.get(element.identifier);
    const attributes = attributesOf(element, stored?.attributes ?? {}, metaModel);
    if (!stored) {
      const id = randomUUID();
      objectIds.set(element.identifier, id);
      inserts.push({ id, element, type: metaModel.typeOfElement.get(element.identifier)!.key, attributes });
      continue;
    }
    objectIds.set(element.identifier, stored.id);
    const same = stored.name === element.name && stored.description === element.description && isDeepStrictEqual(stored.attributes, attributes);
    if (same) unchanged += 1;
    else updates.push({ id: stored.id, element, attributes });
  }

  let done = unchanged;
  for (let start = 0; start < inserts.length; start += BATCH_SIZE) {
    const batch = inserts.slice(start, start + BATCH_SIZE);
    await transaction.query(
      `INSERT INTO objects (id, type, name, description, attributes, external_id, created_by)
       SELECT id, type, name, description, attributes, external_id, $7
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[]) AS item(id, type, name, description, attributes, external_id)`,
      [
        batch.map((insert) => insert.id),
        batch.map((insert) => insert.type),
        batch.map((insert) => insert.element.name),
        batch.map((insert) => insert.element.description),
        batch.map((insert) => JSON.stringify(insert.attributes)),
        batch.map((insert) => insert.element.identifier),
        actorId,
      ],
    );
    done += batch.length;
    onProgress({ phase: 'objects', done, total: elements.length });
  }

  for (let start = 0; start < updates.length; start += BATCH_SIZE) {
    const batch = updates.slice(start, start + BATCH_SIZE);
    await transaction.query(
      `UPDATE objects o SET name = item.name, description = item.description, attributes = item.attributes,
         version = o.version + 1, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[]) AS item(id, name, description, attributes)
       WHERE o.id = item.id`,
      [
        batch.map((update) => update.id),
        batch.map((update) => update.element.name),
        batch.map((update) => update.element.description),
        batch.map((update) => JSON.stringify(update.attributes)),
      ],
    );
    done += batch.length;
    onProgress({ phase: 'objects', done, total: elements.length });
  }
  if (inserts.length === 0 && updates.length === 0) onProgress({ phase: 'objects', done, total: elements.length });

  return { created: inserts.length, updated: updates.length, unchanged };
}

/**
 * Returns the attributes of an element's object: the stored ones, with each
 * property's value in its attribute. A value is converted to the attribute's
 * kind only without loss. Throws ARCHIMATE_PROPERTY_INVALID for a value that
 * does not fit (a reference attribute takes no property, since a property is
 * no object id) and ARCHIMATE_ATTRIBUTE_REQUIRED when a required attribute
 * stays empty.
 */
function attributesOf(element: ArchimateElement, stored: Attributes, metaModel: ImportMetaModel): Attributes {
  const type = metaModel.typeOfElement.get(element.identifier)!;
  const attributes: Attributes = { ...stored };
  for (const [name, value] of element.properties) {
    const definition = metaModel.attributeFor(type.key, name);
    const converted = definition.kind === 'reference' ? undefined : convertAttributeValue(definition, value);
    if (converted === undefined) {
      throw new AppError(ARCHIMATE_ERRORS.propertyInvalid, {
        values: { property: name, identifier: element.identifier, attribute: definition.key, type: type.key },
      });
    }
    attributes[definition.key] = converted;
  }

  const missing = type.attributes.find(
    (definition) => definition.required && isMissingValue(Object.hasOwn(attributes, definition.key) ? attributes[definition.key] : undefined),
  );
  if (missing) {
    throw new AppError(ARCHIMATE_ERRORS.attributeRequired, {
      values: { identifier: element.identifier, type: type.key, attribute: missing.key },
    });
  }
  return attributes;
}
