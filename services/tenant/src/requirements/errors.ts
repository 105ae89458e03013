import { defineError } from '@esm/common';

/** Error codes of the OSCAL catalog import. Each is returned before any change is made. */
export const OSCAL_ERRORS = {
  /** JSON that does not parse, or XML that is not well-formed or uses a DOCTYPE, a NUL character or more than 100 nested elements. */
  malformed: defineError('OSCAL_MALFORMED', 422, {
    en: 'The file is not well-formed JSON or XML, or uses an XML feature that is not accepted here, such as a DOCTYPE or elements nested more than 100 deep: the first error is on line {line}. Export the catalog again and retry.',
    sv: 'Filen är inte välformad JSON eller XML, eller använder en XML-funktion som inte tas emot här, till exempel en DOCTYPE eller element som är nästlade i mer än 100 nivåer: det första felet finns på rad {line}. Exportera katalogen igen och försök på nytt.',
  }),
  /** The root is not an OSCAL catalog (a profile, a component definition, another JSON or XML document). */
  formatUnsupported: defineError('OSCAL_FORMAT_UNSUPPORTED', 422, {
    en: 'The file is not an OSCAL catalog. Its root must be a catalog, in XML in the namespace http://csrc.nist.gov/ns/oscal/1.0. Resolve a profile into a catalog first, then import the catalog.',
    sv: 'Filen är inte en OSCAL-katalog. Dess rot måste vara en catalog, i XML i namnrymden http://csrc.nist.gov/ns/oscal/1.0. Lös först upp en profil till en katalog och importera sedan katalogen.',
  }),
  metadataInvalid: defineError('OSCAL_METADATA_INVALID', 422, {
    en: 'The catalog lacks a uuid or a title in its metadata, one of them is too long (uuid and version 200 characters, title 500), or its last-modified is not a date and time. Nothing was imported.',
    sv: 'Katalogen saknar uuid eller titel i sina metadata, något av dem är för långt (uuid och version 200 tecken, titel 500), eller så är dess last-modified inte en tidpunkt. Inget importerades.',
  }),
  itemIncomplete: defineError('OSCAL_ITEM_INCOMPLETE', 422, {
    en: 'Group or control {identifier} lacks an id or a title, or one of its fields has the wrong type. Nothing was imported.',
    sv: 'Gruppen eller kontrollen {identifier} saknar id eller titel, eller så har ett av dess fält fel typ. Inget importerades.',
  }),
  itemInvalid: defineError('OSCAL_ITEM_INVALID', 422, {
    en: 'Group or control {identifier} exceeds the limits (id and label 200 characters, title 500, statement 100,000) or contains a NUL character. Nothing was imported.',
    sv: 'Gruppen eller kontrollen {identifier} överskrider gränserna (id och etikett 200 tecken, titel 500, kravtext 100 000) eller innehåller ett NUL-tecken. Inget importerades.',
  }),
  duplicateIdentifier: defineError('OSCAL_DUPLICATE_IDENTIFIER', 422, {
    en: 'The id {identifier} occurs more than once among the groups and controls of the catalog. Nothing was imported.',
    sv: 'Id:t {identifier} förekommer mer än en gång bland katalogens grupper och kontroller. Inget importerades.',
  }),
  catalogTooLarge: defineError('OSCAL_CATALOG_TOO_LARGE', 422, {
    en: 'The catalog has more than {maxItems} groups and controls, or nests groups, controls or parts more than {maxDepth} levels deep. Nothing was imported.',
    sv: 'Katalogen har fler än {maxItems} grupper och kontroller, eller nästlar grupper, kontroller eller delar i mer än {maxDepth} nivåer. Inget importerades.',
  }),
  /** No set has the catalog's uuid, and more than one imported set has its title. */
  /** The catalog's last-modified date is before that of the catalog the set was imported from. */
  catalogOlder: defineError('OSCAL_CATALOG_OLDER', 409, {
    en: 'The requirement set "{title}" comes from a catalog last modified on {stored}, and this file was last modified on {incoming}, so importing it would replace newer texts with older ones. To import it anyway, add allowOlder=true.',
    sv: 'Kravsamlingen "{title}" kommer från en katalog som senast ändrades {stored}, och den här filen ändrades senast {incoming}, så en import skulle ersätta nyare texter med äldre. Lägg till allowOlder=true för att importera den ändå.',
  }),
  setAmbiguous: defineError('OSCAL_SET_AMBIGUOUS', 409, {
    en: 'No requirement set has the uuid of this catalog, and several imported sets are named "{title}", so the import cannot tell which one to update. Rename all but one of them and retry.',
    sv: 'Ingen kravsamling har katalogens uuid, och flera importerade samlingar heter "{title}", så importen kan inte avgöra vilken som ska uppdateras. Byt namn på alla utom en av dem och försök igen.',
  }),
};

/** Error codes of requirement sets and requirements. */
export const REQUIREMENT_ERRORS = {
  setNotFound: defineError('REQUIREMENT_SET_NOT_FOUND', 404, {
    en: 'The requirement set was not found. It may have been deleted.',
    sv: 'Kravsamlingen hittades inte. Den kan ha tagits bort.',
  }),
  requirementNotFound: defineError('REQUIREMENT_NOT_FOUND', 404, {
    en: 'The requirement was not found. It may have been deleted.',
    sv: 'Kravet hittades inte. Det kan ha tagits bort.',
  }),
  /** Imported sets change only through a new import, which would overwrite a change made by hand. */
  setImported: defineError('REQUIREMENT_SET_IMPORTED', 409, {
    en: 'The requirement set was imported from an OSCAL catalog and can only be changed by importing a new version of the catalog.',
    sv: 'Kravsamlingen importerades från en OSCAL-katalog och kan bara ändras genom att en ny version av katalogen importeras.',
  }),
  identifierTaken: defineError('REQUIREMENT_IDENTIFIER_TAKEN', 409, {
    en: 'The identifier {identifier} is already used in this requirement set. Choose another identifier.',
    sv: 'Identifieraren {identifier} används redan i den här kravsamlingen. Välj en annan identifierare.',
  }),
  parentInvalid: defineError('REQUIREMENT_PARENT_INVALID', 422, {
    en: 'The parent must be a group or a requirement of the same requirement set, and a group can only be placed under another group.',
    sv: 'Föräldern måste vara en grupp eller ett krav i samma kravsamling, och en grupp kan bara placeras under en annan grupp.',
  }),
  setVersionConflict: defineError('REQUIREMENT_SET_VERSION_CONFLICT', 409, {
    en: 'The requirement set was changed by someone else since you loaded it. Review the current version and apply your change again.',
    sv: 'Kravsamlingen har ändrats av någon annan sedan du läste in den. Granska den aktuella versionen och gör din ändring igen.',
  }),
  versionConflict: defineError('REQUIREMENT_VERSION_CONFLICT', 409, {
    en: 'The requirement was changed by someone else since you loaded it. Review the current version and apply your change again.',
    sv: 'Kravet har ändrats av någon annan sedan du läste in det. Granska den aktuella versionen och gör din ändring igen.',
  }),
  /** The counts in the delete request differ from what the delete would remove now. */
  deleteUnconfirmed: defineError('REQUIREMENT_SET_DELETE_UNCONFIRMED', 409, {
    en: 'Deleting the requirement set removes {requirements} requirements and groups and {statements} compliance statements. Send these counts to confirm the deletion.',
    sv: 'Om kravsamlingen tas bort försvinner {requirements} krav och grupper och {statements} ställningstagandear. Skicka med dessa antal för att bekräfta borttagningen.',
  }),
};

/** Error codes of applicability rules. */
export const APPLICABILITY_ERRORS = {
  ruleNotFound: defineError('APPLICABILITY_RULE_NOT_FOUND', 404, {
    en: 'The applicability rule was not found. It may have been removed.',
    sv: 'Tillämplighetsregeln hittades inte. Den kan ha tagits bort.',
  }),
  /** An object type that does not exist, or one of the two requirement types. */
  typeInvalid: defineError('APPLICABILITY_TYPE_INVALID', 422, {
    en: 'The object type {type} does not exist or holds requirements. Choose object types from the meta-model.',
    sv: 'Objekttypen {type} finns inte eller innehåller krav. Välj objekttyper ur metamodellen.',
  }),
  levelUnknown: defineError('APPLICABILITY_LEVEL_UNKNOWN', 422, {
    en: 'Level {level} does not exist in the classification dimension {dimension}. Choose a dimension and a level of the classification scale.',
    sv: 'Nivån {level} finns inte i klassningsaspekten {dimension}. Välj en aspekt och en nivå ur klassningsskalan.',
  }),
};

/** Error codes of compliance statements. */
export const STATEMENT_ERRORS = {
  statementNotFound: defineError('STATEMENT_NOT_FOUND', 404, {
    en: 'The object has no compliance statement for this requirement.',
    sv: 'Objektet har ingen ställningstagande för det här kravet.',
  }),
  reasonMissing: defineError('STATEMENT_REASON_MISSING', 422, {
    en: 'A requirement marked as not applicable needs a reason. Write why it does not apply.',
    sv: 'Ett krav som markeras som ej tillämpligt behöver ett skäl. Skriv varför det inte gäller.',
  }),
  versionConflict: defineError('STATEMENT_VERSION_CONFLICT', 409, {
    en: 'The compliance statement was changed by someone else since you loaded it, or it already exists and the request names no version. Review the current statement and apply your change again.',
    sv: 'Ställningstagandet har ändrats av någon annan sedan du läste in den, eller så finns den redan och förfrågan anger ingen version. Granska det aktuella ställningstagandet och gör din ändring igen.',
  }),
  /** The requirement's applicability rules exclude the object, or the object is itself a requirement set or requirement. */
  notApplicable: defineError('STATEMENT_REQUIREMENT_NOT_APPLICABLE', 422, {
    en: 'Requirement {identifier} does not apply to the object "{object}" under the applicability rules, so it cannot get a compliance statement.',
    sv: 'Kravet {identifier} gäller inte objektet "{object}" enligt tillämplighetsreglerna och kan därför inte få något ställningstagande.',
  }),
  requirementIsGroup: defineError('STATEMENT_REQUIREMENT_IS_GROUP', 422, {
    en: '{identifier} is a group of requirements. Compliance statements are made on the requirements in it.',
    sv: '{identifier} är en grupp av krav. Ställningstaganden görs på kraven i den.',
  }),
  requirementWithdrawn: defineError('STATEMENT_REQUIREMENT_WITHDRAWN', 422, {
    en: 'Requirement {identifier} was withdrawn from its catalog. Its statements are kept but cannot be changed; they can only be removed.',
    sv: 'Kravet {identifier} har dragits tillbaka ur sin katalog. Dess ställningstaganden finns kvar men kan inte ändras, bara tas bort.',
  }),
  bulkDuplicate: defineError('STATEMENT_BULK_DUPLICATE', 422, {
    en: 'The list names the same object and requirement more than once. Send each pair once.',
    sv: 'Listan anger samma objekt och krav mer än en gång. Skicka varje par en gång.',
  }),
};

/** Error codes of the gap analysis. */
export const GAP_ANALYSIS_ERRORS = {
  notOrganisationUnit: defineError('GAP_ANALYSIS_NOT_ORGANISATION_UNIT', 422, {
    en: 'The object is not an organisation unit. Choose an object whose type has the organisation unit role.',
    sv: 'Objektet är ingen organisationsenhet. Välj ett objekt vars typ har rollen organisationsenhet.',
  }),
};
