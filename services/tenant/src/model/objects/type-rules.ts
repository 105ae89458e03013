import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import type { ObjectType } from '../../meta-model/meta-model.js';
import { localizedName, readObjectTypeName, readRelationTypeNames } from '../../meta-model/names.js';
import { checkRelationAllowed } from '../../meta-model/validate.js';
import { AppErrorWithDetails } from '../error-details.js';
import { MODEL_ERRORS } from '../errors.js';
import { listRelationsOf, type RelationView } from '../relations/relations.js';
import type { ObjectView } from './object-view.js';

/** The object type roles whose objects only the requirements API creates, deletes and retypes. */
const REQUIREMENT_ROLES: ReadonlySet<string> = new Set(['requirement_set', 'requirement']);

/** Throws 422 OBJECT_TYPE_RESERVED when the type is a requirement set or requirement type. An unknown type (null) passes. */
export function rejectRequirementTypes(objectType: ObjectType | null): void {
  if (objectType && REQUIREMENT_ROLES.has(objectType.role)) {
    throw new AppError(MODEL_ERRORS.objectTypeReserved, { values: { type: localizedName(objectType) }, detail: `object type ${objectType.key}` });
  }
}

/** How many relations the message of OBJECT_TYPE_CHANGE_BREAKS_RELATIONS names; the `relations` detail lists them all. */
const RELATIONS_IN_MESSAGE = 5;

/**
 * Checks every relation of `object` against the relation types as if the
 * object had `newType`, and throws 422 OBJECT_TYPE_CHANGE_BREAKS_RELATIONS
 * with a `relations` detail listing each relation that would no longer be
 * allowed. The database triggers of migration 008 enforce the same rule, and
 * this check gives the user the whole list instead of the first relation.
 */
export async function checkRelationsAllowTypeChange(transaction: Transaction, object: ObjectView, newType: string): Promise<void> {
  const { outgoing, incoming } = await listRelationsOf(transaction, object.id);
  const relations = [...new Map([...outgoing, ...incoming].map((relation) => [relation.id, relation])).values()];
  const endType = (end: { id: string; type: string }) => (end.id === object.id ? newType : end.type);

  // Relations with the same type and end types get the same result, so each combination is checked once.
  const verdicts = new Map<string, boolean>();
  const broken: RelationView[] = [];
  for (const relation of relations) {
    const input = { type: relation.type, sourceType: endType(relation.source), targetType: endType(relation.target) };
    const combination = JSON.stringify(input);
    if (!verdicts.has(combination)) verdicts.set(combination, await isRelationAllowed(transaction, input));
    if (!verdicts.get(combination)) broken.push(relation);
  }
  if (broken.length === 0) return;

  const relationsInMessage = broken.slice(0, RELATIONS_IN_MESSAGE);
  const relationNames = await readRelationTypeNames(transaction, [...new Set(relationsInMessage.map((relation) => relation.type))]);
  const describeRelations = (locale: 'sv' | 'en') => {
    const named = relationsInMessage.map((relation) => `${relation.source.name} –${relationNames.get(relation.type)![locale]}→ ${relation.target.name}`);
    if (broken.length > RELATIONS_IN_MESSAGE) named.push(`… (${broken.length - RELATIONS_IN_MESSAGE})`);
    return named.join(', ');
  };
  throw new AppErrorWithDetails(
    MODEL_ERRORS.objectTypeChangeBreaksRelations,
    { relations: broken.map(({ id, type, source, target }) => ({ id, type, source, target })) },
    {
      values: { type: await readObjectTypeName(transaction, newType), relations: { sv: describeRelations('sv'), en: describeRelations('en') } },
      detail: `${broken.length} relations of object ${object.id} forbid type ${newType}`,
    },
  );
}

async function isRelationAllowed(transaction: Transaction, input: { type: string; sourceType: string; targetType: string }): Promise<boolean> {
  try {
    await checkRelationAllowed(transaction, input);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === 'RELATION_NOT_ALLOWED') return false;
    throw error;
  }
}
