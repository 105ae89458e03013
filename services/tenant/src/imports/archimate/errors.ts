import { defineError } from '@esm/common';

/**
 * Error codes of the ArchiMate import. Problems in the file itself are
 * returned as 422 JSON before the progress stream starts. Problems found
 * against the meta-model end the stream with a `failed` line. Either way
 * nothing is imported.
 */
export const ARCHIMATE_ERRORS = {
  /** The file is not well-formed XML, or the parser rejects it (an external or parameter entity, an entity value over 10,000 characters, elements nested over 100 deep, a reserved name such as `__proto__`). */
  malformed: defineError('ARCHIMATE_MALFORMED', 422, {
    en: 'The file is not well-formed XML or uses an XML feature that is not accepted here, such as an external entity or elements nested more than 100 deep: the first error is on line {line}. Export the model again and retry.',
    sv: 'Filen är inte välformad XML eller använder en XML-funktion som inte tas emot här, till exempel en extern entitet eller element som är nästlade i mer än 100 nivåer: det första felet finns på rad {line}. Exportera modellen igen och försök på nytt.',
  }),
  formatUnsupported: defineError('ARCHIMATE_FORMAT_UNSUPPORTED', 422, {
    en: 'The file is not an ArchiMate 3 exchange file. Export the model in the Open Group exchange format and retry.',
    sv: 'Filen är inte en utbytesfil för ArchiMate 3. Exportera modellen i Open Groups utbytesformat och försök igen.',
  }),
  missingElement: defineError('ARCHIMATE_MISSING_ELEMENT', 422, {
    en: 'Relationship {relationship} refers to {element}, which is not an element in the file. Nothing was imported.',
    sv: 'Relationen {relationship} hänvisar till {element}, som inte är ett element i filen. Inget importerades.',
  }),
  duplicateIdentifier: defineError('ARCHIMATE_DUPLICATE_IDENTIFIER', 422, {
    en: 'The identifier {identifier} occurs more than once in the file. Nothing was imported.',
    sv: 'Identifieraren {identifier} förekommer mer än en gång i filen. Inget importerades.',
  }),
  /** ArchiMate lets a relationship connect to another relationship; the model here connects objects only. */
  relationshipEndpointUnsupported: defineError('ARCHIMATE_RELATIONSHIP_ENDPOINT_UNSUPPORTED', 422, {
    en: 'Relationship {relationship} connects to relationship {endpoint}. Relationships between relationships cannot be imported yet. Nothing was imported.',
    sv: 'Relationen {relationship} är kopplad till relationen {endpoint}. Relationer mellan relationer kan inte importeras ännu. Inget importerades.',
  }),
  /** An element or relationship lacks its identifier, its xsi:type, or (relationships) its source or target. */
  itemIncomplete: defineError('ARCHIMATE_ITEM_INCOMPLETE', 422, {
    en: 'Item {identifier} in the file lacks an identifier, a type, a source or a target. Nothing was imported.',
    sv: 'Posten {identifier} i filen saknar identifierare, typ, källa eller mål. Inget importerades.',
  }),
  itemTooLarge: defineError('ARCHIMATE_ITEM_TOO_LARGE', 422, {
    en: 'Item {identifier} exceeds the limits: name 500 characters, type 100, documentation 20,000, at most 200 properties with names of 200 characters and values of 20,000. Nothing was imported.',
    sv: 'Posten {identifier} överskrider gränserna: namn 500 tecken, typ 100, dokumentation 20 000, högst 200 egenskaper med namn på 200 tecken och värden på 20 000. Inget importerades.',
  }),
  /** An element type that is not letters and digits (at most 40), or a relationship type that ArchiMate 3 lacks. */
  typeUnsupported: defineError('ARCHIMATE_TYPE_UNSUPPORTED', 422, {
    en: 'Item {identifier} has the type {type}, which is not an ArchiMate 3 element or relationship type. Nothing was imported.',
    sv: 'Posten {identifier} har typen {type}, som inte är en element- eller relationstyp i ArchiMate 3. Inget importerades.',
  }),
  /** A property value that the attribute it maps to cannot hold, such as text in a number attribute the tenant defined. */
  propertyInvalid: defineError('ARCHIMATE_PROPERTY_INVALID', 422, {
    en: 'The property {property} of element {identifier} does not fit the attribute {attribute} of the object type {type}. Change the value or the attribute and retry. Nothing was imported.',
    sv: 'Egenskapen {property} i elementet {identifier} passar inte attributet {attribute} i objekttypen {type}. Ändra värdet eller attributet och försök igen. Inget importerades.',
  }),
  /**
   * The file needs object types or attributes that the meta-model lacks,
   * and only administrators change the meta-model.
   */
  metaModelChangeDenied: defineError('ARCHIMATE_META_MODEL_CHANGE_DENIED', 403, {
    en: 'The file needs {count} object types or attributes that the meta-model lacks, such as {example}. Ask an administrator to import it or to add them first. Nothing was imported.',
    sv: 'Filen behöver {count} objekttyper eller attribut som saknas i metamodellen, till exempel {example}. Be en administratör att importera den eller att lägga till dem först. Inget importerades.',
  }),
  /** The object type of an element requires an attribute that the element has no property for. */
  attributeRequired: defineError('ARCHIMATE_ATTRIBUTE_REQUIRED', 422, {
    en: 'Element {identifier} becomes an object of type {type}, which requires the attribute {attribute}, but the element has no value for it. Nothing was imported.',
    sv: 'Elementet {identifier} blir ett objekt av typen {type}, som kräver attributet {attribute}, men elementet saknar värde för det. Inget importerades.',
  }),
  /** An element's identifier is the external id of a requirement set or requirement, which only the requirement routes change. */
  matchesRequirement: defineError('ARCHIMATE_MATCHES_REQUIREMENT', 422, {
    en: 'Element {identifier} has the identifier of the requirement or requirement set "{name}", which an ArchiMate import cannot change. Give the element another identifier. Nothing was imported.',
    sv: 'Elementet {identifier} har samma identifierare som kravet eller kravsamlingen "{name}", som en ArchiMate-import inte kan ändra. Ge elementet en annan identifierare. Inget importerades.',
  }),
};
