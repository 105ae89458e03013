import { defineError, defineFieldMessages } from '@esm/common';

/** Error codes of the meta-model: checks of objects and relations against it, and changes to it. */
export const META_MODEL_ERRORS = {
  /** An object names a type that the meta-model lacks. `fields` names `type`. */
  objectTypeUnknown: defineError('OBJECT_TYPE_UNKNOWN', 422, {
    en: 'The object type {type} does not exist. Choose a type from the meta-model.',
    sv: 'Objekttypen {type} finns inte. Välj en typ ur metamodellen.',
  }),
  /** One or more attributes of an object are unknown, missing or invalid for their kind. `fields` names each `attributes.<key>`. */
  objectAttributesInvalid: defineError('OBJECT_ATTRIBUTES_INVALID', 422, {
    en: 'Some attributes of the object are invalid: {attributes}. Correct them and try again.',
    sv: 'Några av objektets attribut är ogiltiga: {attributes}. Rätta dem och försök igen.',
  }),
  /** A relation names a type that the meta-model lacks. `fields` names `type`. */
  relationTypeUnknown: defineError('RELATION_TYPE_UNKNOWN', 422, {
    en: 'The relation type {type} does not exist. Choose a type from the meta-model.',
    sv: 'Relationstypen {type} finns inte. Välj en typ ur metamodellen.',
  }),
  /**
   * The relation type does not allow a relation between objects of these
   * types. Raised by the checks in the API and, as SQLSTATE `ES001`, by the
   * database trigger that guards the same rule.
   */
  relationNotAllowed: defineError('RELATION_NOT_ALLOWED', 422, {
    en: 'A relation of type {type} cannot go from an object of type {sourceType} to an object of type {targetType}. Choose another relation type or other objects.',
    sv: 'En relation av typen {type} kan inte gå från ett objekt av typen {sourceType} till ett objekt av typen {targetType}. Välj en annan relationstyp eller andra objekt.',
  }),
  objectTypeNotFound: defineError('OBJECT_TYPE_NOT_FOUND', 404, {
    en: 'The object type {type} was not found. It may have been removed.',
    sv: 'Objekttypen {type} hittades inte. Den kan ha tagits bort.',
  }),
  objectTypeExists: defineError('OBJECT_TYPE_EXISTS', 409, {
    en: 'An object type with the key {type} already exists. Choose another key.',
    sv: 'Det finns redan en objekttyp med nyckeln {type}. Välj en annan nyckel.',
  }),
  /** Requirement sets and requirements are built in, because the requirements API depends on them. */
  objectTypeBuiltIn: defineError('OBJECT_TYPE_BUILT_IN', 422, {
    en: 'The object type {type} is built in and cannot be removed, and its role cannot be changed.',
    sv: 'Objekttypen {type} är inbyggd och kan inte tas bort, och dess roll kan inte ändras.',
  }),
  objectTypeInUse: defineError('OBJECT_TYPE_IN_USE', 409, {
    en: 'The object type {type} cannot be removed while {objects} objects have the type. Delete the objects or change their type first.',
    sv: 'Objekttypen {type} kan inte tas bort medan {objects} objekt har typen. Ta bort objekten eller byt deras typ först.',
  }),
  /** The response names them in `relationTypes`, `attributes` (as `<type>.<attribute>`) and `applicabilityRules` (a count). */
  objectTypeReferenced: defineError('OBJECT_TYPE_REFERENCED', 409, {
    en: 'The object type {type} cannot be removed while {relationTypes} relation types, {attributes} reference attributes and {rules} applicability rules name it. Change them first.',
    sv: 'Objekttypen {type} kan inte tas bort medan {relationTypes} relationstyper, {attributes} referensattribut och {rules} tillämplighetsregler hänvisar till den. Ändra dem först.',
  }),
  objectTypeVersionConflict: defineError('OBJECT_TYPE_VERSION_CONFLICT', 409, {
    en: 'Someone else changed the object type {type} after you loaded it. Review the current version and make your change again.',
    sv: 'Någon annan ändrade objekttypen {type} efter att du läste in den. Granska den aktuella versionen och gör din ändring igen.',
  }),
  attributeNotFound: defineError('ATTRIBUTE_NOT_FOUND', 404, {
    en: 'The attribute {attribute} of the object type {type} was not found. It may have been removed.',
    sv: 'Attributet {attribute} för objekttypen {type} hittades inte. Det kan ha tagits bort.',
  }),
  attributeExists: defineError('ATTRIBUTE_EXISTS', 409, {
    en: 'The object type {type} already has an attribute with the key {attribute}. Choose another key.',
    sv: 'Objekttypen {type} har redan ett attribut med nyckeln {attribute}. Välj en annan nyckel.',
  }),
  /** A choice attribute needs at least one choice, with unique keys; other kinds take none. */
  attributeChoicesInvalid: defineError('ATTRIBUTE_CHOICES_INVALID', 422, {
    en: 'A choice attribute needs at least one choice, each with its own key, and other kinds of attribute take no choices.',
    sv: 'Ett valattribut behöver minst ett val, vart och ett med en egen nyckel, och andra sorters attribut har inga val.',
  }),
  attributeReferenceTypeInvalid: defineError('ATTRIBUTE_REFERENCE_TYPE_INVALID', 422, {
    en: 'Only a reference attribute can name a referenced type, and the type {type} must exist.',
    sv: 'Bara ett referensattribut kan ange en typ att hänvisa till, och typen {type} måste finnas.',
  }),
  /** The change of kind, choices, reference type or `required` would leave stored values invalid. */
  attributeValuesIncompatible: defineError('ATTRIBUTE_VALUES_INCOMPATIBLE', 409, {
    en: 'The change cannot be made because {values} stored values of the attribute {attribute} would no longer be valid. Change those objects first.',
    sv: 'Ändringen kan inte göras eftersom {values} lagrade värden för attributet {attribute} inte längre skulle vara giltiga. Ändra de objekten först.',
  }),
  /** The removal request names another number of values than the attribute has now. */
  attributeRemovalCountChanged: defineError('ATTRIBUTE_REMOVAL_COUNT_CHANGED', 409, {
    en: 'The attribute {attribute} now holds {values} values, not {confirmed}. Review the number of values that will be dropped and confirm again.',
    sv: 'Attributet {attribute} har nu {values} värden, inte {confirmed}. Granska hur många värden som tas bort och bekräfta igen.',
  }),
  relationTypeNotFound: defineError('RELATION_TYPE_NOT_FOUND', 404, {
    en: 'The relation type {type} was not found. It may have been removed.',
    sv: 'Relationstypen {type} hittades inte. Den kan ha tagits bort.',
  }),
  relationTypeExists: defineError('RELATION_TYPE_EXISTS', 409, {
    en: 'A relation type with the key {type} already exists. Choose another key.',
    sv: 'Det finns redan en relationstyp med nyckeln {type}. Välj en annan nyckel.',
  }),
  relationTypeEndsInvalid: defineError('RELATION_TYPE_ENDS_INVALID', 422, {
    en: 'The allowed source and target types must be object types that exist: {types} do not.',
    sv: 'De tillåtna käll- och måltyperna måste vara objekttyper som finns: {types} finns inte.',
  }),
  /** Narrowing the allowed ends would leave existing relations of the type disallowed. */
  relationTypeEndsInUse: defineError('RELATION_TYPE_ENDS_IN_USE', 409, {
    en: 'The allowed types cannot be narrowed because {relations} relations of type {type} connect objects of other types. Change or delete those relations first.',
    sv: 'De tillåtna typerna kan inte begränsas eftersom {relations} relationer av typen {type} förbinder objekt av andra typer. Ändra eller ta bort de relationerna först.',
  }),
  relationTypeInUse: defineError('RELATION_TYPE_IN_USE', 409, {
    en: 'The relation type {type} cannot be removed while {relations} relations have the type. Delete the relations first.',
    sv: 'Relationstypen {type} kan inte tas bort medan {relations} relationer har typen. Ta bort relationerna först.',
  }),
  relationTypeBuiltIn: defineError('RELATION_TYPE_BUILT_IN', 422, {
    en: 'The relation type {type} is built in and cannot be removed.',
    sv: 'Relationstypen {type} är inbyggd och kan inte tas bort.',
  }),
  relationTypeVersionConflict: defineError('RELATION_TYPE_VERSION_CONFLICT', 409, {
    en: 'Someone else changed the relation type {type} after you loaded it. Review the current version and make your change again.',
    sv: 'Någon annan ändrade relationstypen {type} efter att du läste in den. Granska den aktuella versionen och gör din ändring igen.',
  }),
};

/** The codes in `fields` of OBJECT_ATTRIBUTES_INVALID, one per attribute that fails. */
export const ATTRIBUTE_FIELD_CODES = {
  unknown: 'ATTRIBUTE_UNKNOWN',
  required: 'ATTRIBUTE_REQUIRED',
  text: 'ATTRIBUTE_TEXT_INVALID',
  longText: 'ATTRIBUTE_LONG_TEXT_INVALID',
  number: 'ATTRIBUTE_NUMBER_INVALID',
  date: 'ATTRIBUTE_DATE_INVALID',
  choice: 'ATTRIBUTE_CHOICE_INVALID',
  boolean: 'ATTRIBUTE_BOOLEAN_INVALID',
  reference: 'ATTRIBUTE_REFERENCE_INVALID',
  referenceNotFound: 'ATTRIBUTE_REFERENCE_NOT_FOUND',
  referenceWrongType: 'ATTRIBUTE_REFERENCE_WRONG_TYPE',
} as const;

/** The codes in `fields` of RELATION_NOT_ALLOWED, naming the end whose type the relation type does not allow. */
export const RELATION_FIELD_CODES = {
  sourceNotAllowed: 'RELATION_SOURCE_TYPE_NOT_ALLOWED',
  targetNotAllowed: 'RELATION_TARGET_TYPE_NOT_ALLOWED',
} as const;

defineFieldMessages({
  OBJECT_TYPE_UNKNOWN: {
    en: 'Choose an object type that exists in the meta-model.',
    sv: 'Välj en objekttyp som finns i metamodellen.',
  },
  RELATION_TYPE_UNKNOWN: {
    en: 'Choose a relation type that exists in the meta-model.',
    sv: 'Välj en relationstyp som finns i metamodellen.',
  },
  [ATTRIBUTE_FIELD_CODES.unknown]: {
    en: 'The object type has no attribute with this key.',
    sv: 'Objekttypen har inget attribut med den här nyckeln.',
  },
  [ATTRIBUTE_FIELD_CODES.required]: {
    en: 'A value is required.',
    sv: 'Ett värde krävs.',
  },
  [ATTRIBUTE_FIELD_CODES.text]: {
    en: 'Enter text on one line, at most 2,000 characters.',
    sv: 'Ange text på en rad, högst 2 000 tecken.',
  },
  [ATTRIBUTE_FIELD_CODES.longText]: {
    en: 'Enter text of at most 20,000 characters.',
    sv: 'Ange text på högst 20 000 tecken.',
  },
  [ATTRIBUTE_FIELD_CODES.number]: {
    en: 'Enter a number.',
    sv: 'Ange ett tal.',
  },
  [ATTRIBUTE_FIELD_CODES.date]: {
    en: 'Enter a real date as YYYY-MM-DD, such as 2025-03-31.',
    sv: 'Ange ett riktigt datum som ÅÅÅÅ-MM-DD, till exempel 2025-03-31.',
  },
  [ATTRIBUTE_FIELD_CODES.choice]: {
    en: 'Choose one of the values defined for the attribute.',
    sv: 'Välj ett av de värden som finns för attributet.',
  },
  [ATTRIBUTE_FIELD_CODES.boolean]: {
    en: 'Enter yes or no (true or false).',
    sv: 'Ange ja eller nej (true eller false).',
  },
  [ATTRIBUTE_FIELD_CODES.reference]: {
    en: 'Enter the id (a UUID) of an object.',
    sv: 'Ange id (ett UUID) för ett objekt.',
  },
  [ATTRIBUTE_FIELD_CODES.referenceNotFound]: {
    en: 'The referenced object was not found. It may have been deleted.',
    sv: 'Objektet som hänvisas till hittades inte. Det kan ha tagits bort.',
  },
  [ATTRIBUTE_FIELD_CODES.referenceWrongType]: {
    en: 'The referenced object has a type that the attribute does not accept.',
    sv: 'Objektet som hänvisas till har en typ som attributet inte tar emot.',
  },
  [RELATION_FIELD_CODES.sourceNotAllowed]: {
    en: 'The relation type does not allow a source object of this type.',
    sv: 'Relationstypen tillåter inte ett källobjekt av den här typen.',
  },
  [RELATION_FIELD_CODES.targetNotAllowed]: {
    en: 'The relation type does not allow a target object of this type.',
    sv: 'Relationstypen tillåter inte ett målobjekt av den här typen.',
  },
});
