/**
 * Mapping of ArchiMate 3 element and relationship types onto ESM object and
 * relation types. The type names are those of the Open Group exchange
 * format (the `xsi:type` values), as in ArchiMate 3.1.
 */

/**
 * Element types with a counterpart in the default meta-model. Partner has
 * none: ArchiMate models a supplier as a business actor like any other, so
 * it becomes an organisation unit whose type the user changes afterwards.
 */
export const ELEMENT_TYPE_MAPPING: Readonly<Record<string, string>> = {
  BusinessActor: 'organisation_unit',
  BusinessProcess: 'process',
  BusinessFunction: 'process',
  BusinessInteraction: 'process',
  BusinessObject: 'information_object',
  Contract: 'information_object',
  DataObject: 'information_object',
  ApplicationComponent: 'application',
  ApplicationCollaboration: 'application',
  Node: 'server',
  Device: 'server',
  CommunicationNetwork: 'network',
  Path: 'network',
  SystemSoftware: 'platform_service',
  TechnologyService: 'platform_service',
};

/** The relation type of each ArchiMate relationship type, added by migration 008. */
export const RELATIONSHIP_TYPE_MAPPING: Readonly<Record<string, string>> = {
  Composition: 'archimate_composition',
  Aggregation: 'archimate_aggregation',
  Assignment: 'archimate_assignment',
  Realization: 'archimate_realization',
  Serving: 'archimate_serving',
  Access: 'archimate_access',
  Influence: 'archimate_influence',
  Triggering: 'archimate_triggering',
  Flow: 'archimate_flow',
  Specialization: 'archimate_specialization',
  Association: 'archimate_association',
};

// Swedish names of the element types that get an object type of their own.
// A type missing here (a later ArchiMate version, a tool's extension) gets
// its English name in both languages.
const SWEDISH_NAMES: Readonly<Record<string, string>> = {
  Resource: 'Resurs',
  Capability: 'Förmåga',
  ValueStream: 'Värdeström',
  CourseOfAction: 'Handlingsalternativ',
  BusinessRole: 'Affärsroll',
  BusinessCollaboration: 'Affärssamarbete',
  BusinessInterface: 'Affärsgränssnitt',
  BusinessEvent: 'Affärshändelse',
  BusinessService: 'Affärstjänst',
  Representation: 'Representation',
  Product: 'Produkt',
  ApplicationInterface: 'Applikationsgränssnitt',
  ApplicationFunction: 'Applikationsfunktion',
  ApplicationInteraction: 'Applikationsinteraktion',
  ApplicationProcess: 'Applikationsprocess',
  ApplicationEvent: 'Applikationshändelse',
  ApplicationService: 'Applikationstjänst',
  TechnologyCollaboration: 'Tekniksamarbete',
  TechnologyInterface: 'Teknikgränssnitt',
  TechnologyFunction: 'Teknikfunktion',
  TechnologyProcess: 'Teknikprocess',
  TechnologyInteraction: 'Teknikinteraktion',
  TechnologyEvent: 'Teknikhändelse',
  Artifact: 'Artefakt',
  Equipment: 'Utrustning',
  Facility: 'Anläggning',
  DistributionNetwork: 'Distributionsnät',
  Material: 'Material',
  Stakeholder: 'Intressent',
  Driver: 'Drivkraft',
  Assessment: 'Bedömning',
  Goal: 'Mål',
  Outcome: 'Utfall',
  Principle: 'Princip',
  Requirement: 'Krav (ArchiMate)',
  Constraint: 'Begränsning',
  Meaning: 'Betydelse',
  Value: 'Värde',
  WorkPackage: 'Arbetspaket',
  Deliverable: 'Leverabel',
  ImplementationEvent: 'Implementeringshändelse',
  Plateau: 'Platå',
  Gap: 'Gap',
  Location: 'Plats',
  Grouping: 'Gruppering',
  AndJunction: 'Och-förgrening',
  OrJunction: 'Eller-förgrening',
};

// English names that the split type name gets wrong or leaves ambiguous.
const ENGLISH_NAMES: Readonly<Record<string, string>> = {
  // The built-in requirement type is also called Requirement.
  Requirement: 'Requirement (ArchiMate)',
  AndJunction: 'And junction',
  OrJunction: 'Or junction',
};

/**
 * An element type as the exchange format writes it: a letter, then letters
 * and digits. At most 40 characters keep `archimate_<type>` within the
 * 100 characters of an object type key.
 */
export const ELEMENT_TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9]{0,39}$/;

/** Returns the key of the object type an element of `elementType` maps to: a default type, else the import's own type. */
export function objectTypeForElement(elementType: string): string {
  return Object.hasOwn(ELEMENT_TYPE_MAPPING, elementType) ? ELEMENT_TYPE_MAPPING[elementType]! : ownObjectTypeKey(elementType);
}

/** Returns the key of the object type the import creates for an element type: `archimate_` and the type in snake case. */
export function ownObjectTypeKey(elementType: string): string {
  return `archimate_${snakeCase(elementType)}`;
}

/** Returns the names of the object type that the import creates for an element type without an ESM counterpart. */
export function namesOfOwnType(elementType: string): { nameSv: string; nameEn: string } {
  const nameEn = Object.hasOwn(ENGLISH_NAMES, elementType) ? ENGLISH_NAMES[elementType]! : sentenceCase(elementType);
  const nameSv = Object.hasOwn(SWEDISH_NAMES, elementType) ? SWEDISH_NAMES[elementType]! : nameEn;
  return { nameSv, nameEn };
}

/** Returns the relation type of an ArchiMate relationship type, or undefined for a type ArchiMate 3 does not have. */
export function relationTypeForRelationship(relationshipType: string): string | undefined {
  return Object.hasOwn(RELATIONSHIP_TYPE_MAPPING, relationshipType) ? RELATIONSHIP_TYPE_MAPPING[relationshipType] : undefined;
}

/**
 * Derives an attribute key from a property name: lowercase ASCII letters,
 * digits and underscores, with diacritics dropped ("Kritikalitet nivå" gives
 * `kritikalitet_niva`). A name with no letter or digit gives `property`.
 */
export function attributeKeyFor(propertyName: string): string {
  const key = propertyName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 190);
  if (key === '') return 'property';
  return /^[0-9]/.test(key) ? `p_${key}` : key;
}

function snakeCase(type: string): string {
  return type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

function sentenceCase(type: string): string {
  const words = snakeCase(type).split('_');
  const sentence = words.join(' ');
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
