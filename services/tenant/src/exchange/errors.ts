import { defineError, formatText, type Locale, type LocalizedText } from '@esm/common';

/** Error codes of the model and CSV imports and exports. Every import error is raised before anything is stored, or rolls the import back. */
export const EXCHANGE_ERRORS = {
  /** The body is JSON but not an ESM model document of a format version this service reads. */
  modelFormatUnsupported: defineError('EXCHANGE_FORMAT_UNSUPPORTED', 422, {
    en: 'The file is not an ESM model export of format version 1. Export the model again from ESM and retry. Nothing was imported.',
    sv: 'Filen är inte en ESM-modellexport i formatversion 1. Exportera modellen från ESM igen och försök på nytt. Inget importerades.',
  }),
  /** `problems` in the response lists up to 100 problems, each with its JSON pointer `path`, `code` and `message`. */
  modelDocumentInvalid: defineError('EXCHANGE_DOCUMENT_INVALID', 422, {
    en: 'The model file has {count} problems. The first is at {path}: {problem} Nothing was imported.',
    sv: 'Modellfilen har {count} fel. Det första finns vid {path}: {problem} Inget importerades.',
  }),
  /** A model import recreates a whole model, so it needs a tenant that has no objects yet. */
  tenantNotEmpty: defineError('EXCHANGE_TENANT_NOT_EMPTY', 409, {
    en: 'A model can only be imported into a tenant that has no objects yet, and this tenant has {objects}. Import into a new tenant instead. Nothing was imported.',
    sv: 'En modell kan bara importeras till en tenant som inte har några objekt än, och den här har {objects}. Importera till en ny tenant i stället. Inget importerades.',
  }),
  /** Neither a byte order mark nor the bytes themselves tell UTF-8 from Windows-1252 with certainty. */
  csvEncodingUncertain: defineError('CSV_ENCODING_UNCERTAIN', 422, {
    en: 'The character encoding of the file could not be determined with certainty, so letters such as å, ä and ö could be read wrongly. Import again and choose the encoding: encoding=utf-8 or encoding=windows-1252. Nothing was imported.',
    sv: 'Filens teckenkodning gick inte att avgöra med säkerhet, så bokstäver som å, ä och ö kunde bli fel. Importera igen och välj kodning: encoding=utf-8 eller encoding=windows-1252. Inget importerades.',
  }),
  /** The file does not decode in the encoding that the request or the file's byte order mark names. */
  csvEncodingInvalid: defineError('CSV_ENCODING_INVALID', 422, {
    en: 'The file is not valid {encoding}: the first invalid byte is on line {line}. Choose the encoding the file was saved in and retry. Nothing was imported.',
    sv: 'Filen är inte giltig {encoding}: den första ogiltiga byten finns på rad {line}. Välj den kodning som filen sparades i och försök igen. Inget importerades.',
  }),
  csvEmpty: defineError('CSV_EMPTY', 422, {
    en: 'The file has no header row. The first row must name the columns, such as Name;Description. Nothing was imported.',
    sv: 'Filen saknar rubrikrad. Den första raden ska namnge kolumnerna, till exempel Namn;Beskrivning. Inget importerades.',
  }),
  csvTooManyRows: defineError('CSV_TOO_MANY_ROWS', 422, {
    en: 'The file has more than {maxRows} rows. Split it into smaller files and import them one by one. Nothing was imported.',
    sv: 'Filen har fler än {maxRows} rader. Dela upp den i mindre filer och importera dem en i taget. Inget importerades.',
  }),
  /** `problems` in the response lists every problem found (up to 1,000), each with `line`, `column`, `code` and `message`. */
  csvRowsInvalid: defineError('CSV_ROWS_INVALID', 422, {
    en: 'The file has {count} problems. The first is on line {line}: {problem} Correct the file and import it again. Nothing was imported.',
    sv: 'Filen har {count} fel. Det första finns på rad {line}: {problem} Rätta filen och importera den igen. Inget importerades.',
  }),
  /** Neither the `type` parameter nor a Type column names the type of the objects. */
  csvTypeMissing: defineError('CSV_TYPE_MISSING', 422, {
    en: 'The file has no Type column, so choose the object type of the rows with the type parameter. Nothing was imported.',
    sv: 'Filen har ingen kolumn Typ, så välj objekttyp för raderna med parametern type. Inget importerades.',
  }),
  exportTypeUnknown: defineError('EXCHANGE_EXPORT_TYPE_UNKNOWN', 404, {
    en: 'The object type {type} does not exist, so there is nothing to export. Choose a type from the meta-model.',
    sv: 'Objekttypen {type} finns inte, så det finns inget att exportera. Välj en typ ur metamodellen.',
  }),
};

const problemMessages = new Map<string, LocalizedText>();

/**
 * Codes of the problems listed in `problems` of EXCHANGE_DOCUMENT_INVALID
 * and CSV_ROWS_INVALID, with their messages. A problem may carry values
 * that the message names in braces.
 */
export const EXCHANGE_PROBLEMS = {
  propertyMissing: defineProblem('DOCUMENT_PROPERTY_MISSING', {
    en: 'The property {property} is missing.',
    sv: 'Egenskapen {property} saknas.',
  }),
  propertyUnknown: defineProblem('DOCUMENT_PROPERTY_UNKNOWN', {
    en: 'The property {property} is not part of the format.',
    sv: 'Egenskapen {property} ingår inte i formatet.',
  }),
  valueInvalid: defineProblem('DOCUMENT_VALUE_INVALID', {
    en: 'The value breaks the rule {rule} of the format. Check its type, length, form and range.',
    sv: 'Värdet bryter mot formatets regel {rule}. Kontrollera dess typ, längd, form och storlek.',
  }),
  choicesInvalid: defineProblem('DOCUMENT_CHOICES_INVALID', {
    en: 'A choice attribute needs at least one choice, each with its own key, and other kinds of attribute take no choices.',
    sv: 'Ett valattribut behöver minst ett val, vart och ett med en egen nyckel, och andra sorters attribut har inga val.',
  }),
  typeReserved: defineProblem('DOCUMENT_TYPE_RESERVED', {
    en: 'Objects of type {type} must be listed as requirement sets or requirements, and those must have the built-in types requirement_set and requirement.',
    sv: 'Objekt av typen {type} ska listas som kravsamlingar eller krav, och de ska ha de inbyggda typerna requirement_set och requirement.',
  }),
  levelUnknown: defineProblem('DOCUMENT_LEVEL_UNKNOWN', {
    en: 'The dimension {dimension} has no level {level}.',
    sv: 'Aspekten {dimension} har ingen nivå {level}.',
  }),
  reasonMissing: defineProblem('DOCUMENT_REASON_MISSING', {
    en: 'A statement that a requirement is not applicable needs a reason.',
    sv: 'Ett ställningstagande att ett krav inte är tillämpligt behöver en motivering.',
  }),
  ruleLevelIncomplete: defineProblem('DOCUMENT_RULE_LEVEL_INCOMPLETE', {
    en: 'An applicability rule names both a dimension and a minimum level, or neither.',
    sv: 'En tillämplighetsregel anger både en aspekt och en lägsta nivå, eller ingen av dem.',
  }),
  duplicateKey: defineProblem('DOCUMENT_DUPLICATE_KEY', {
    en: 'The key or id {key} occurs more than once.',
    sv: 'Nyckeln eller id:t {key} förekommer mer än en gång.',
  }),
  unresolved: defineProblem('DOCUMENT_REFERENCE_UNRESOLVED', {
    en: '{reference} does not name anything in the file or in the tenant.',
    sv: '{reference} namnger inget i filen eller i tenanten.',
  }),
  relationNotAllowed: defineProblem('DOCUMENT_RELATION_NOT_ALLOWED', {
    en: 'A relation of type {type} cannot go from an object of type {sourceType} to one of type {targetType}.',
    sv: 'En relation av typen {type} kan inte gå från ett objekt av typen {sourceType} till ett av typen {targetType}.',
  }),
  builtInType: defineProblem('DOCUMENT_BUILT_IN_TYPE', {
    en: 'Only the built-in types requirement_set and requirement have the requirement roles, and they keep them.',
    sv: 'Bara de inbyggda typerna requirement_set och requirement har kravrollerna, och de behåller dem.',
  }),
  parentCycle: defineProblem('DOCUMENT_REQUIREMENT_CYCLE', {
    en: 'The requirement is its own ancestor through its parents.',
    sv: 'Kravet är sin egen förfader via sina överordnade krav.',
  }),
  externalIdTaken: defineProblem('DOCUMENT_EXTERNAL_ID_TAKEN', {
    en: 'An object in the tenant already has the external id {externalId}.',
    sv: 'Ett objekt i tenanten har redan det externa id:t {externalId}.',
  }),
  sourceTaken: defineProblem('DOCUMENT_REQUIREMENT_SET_EXISTS', {
    en: 'The tenant already has a requirement set from the source {sourceUuid}.',
    sv: 'Tenanten har redan en kravsamling från källan {sourceUuid}.',
  }),
  object: defineProblem('DOCUMENT_OBJECT_INVALID', {
    en: 'The object does not fit the meta-model: {reason}.',
    sv: 'Objektet passar inte metamodellen: {reason}.',
  }),
  existingObject: defineProblem('DOCUMENT_EXISTING_OBJECT_INVALID', {
    en: 'The object {name} in the tenant would no longer fit the meta-model: {reason}.',
    sv: 'Objektet {name} i tenanten skulle inte längre passa metamodellen: {reason}.',
  }),
  existingRelation: defineProblem('DOCUMENT_EXISTING_RELATION_INVALID', {
    en: 'The tenant has relations of type {type} between object types that the relation type in the file no longer allows.',
    sv: 'Tenanten har relationer av typen {type} mellan objekttyper som relationstypen i filen inte längre tillåter.',
  }),
  csvColumnUnknown: defineProblem('CSV_COLUMN_UNKNOWN', {
    en: 'The column {column} is neither a standard column, a classification dimension nor an attribute. Rename or remove it.',
    sv: 'Kolumnen {column} är varken en standardkolumn, en klassningsaspekt eller ett attribut. Byt namn på den eller ta bort den.',
  }),
  csvColumnDuplicate: defineProblem('CSV_COLUMN_DUPLICATE', {
    en: 'The column {column} means the same as an earlier column. Keep one of them.',
    sv: 'Kolumnen {column} betyder samma sak som en tidigare kolumn. Behåll en av dem.',
  }),
  csvColumnAmbiguous: defineProblem('CSV_COLUMN_AMBIGUOUS', {
    en: 'The column {column} can mean {meanings}. Write the header row in one language, or use the full name.',
    sv: 'Kolumnen {column} kan betyda {meanings}. Skriv rubrikraden på ett språk, eller använd hela namnet.',
  }),
  csvNameColumnMissing: defineProblem('CSV_NAME_COLUMN_MISSING', {
    en: 'The file has no name column. Add a column named Namn or Name.',
    sv: 'Filen saknar namnkolumn. Lägg till en kolumn som heter Namn eller Name.',
  }),
  csvMalformed: defineProblem('CSV_MALFORMED', {
    en: 'The row cannot be read as CSV: {reason}. Check the quotes in the row.',
    sv: 'Raden går inte att läsa som CSV: {reason}. Kontrollera citattecknen i raden.',
  }),
  csvColumnCount: defineProblem('CSV_COLUMN_COUNT', {
    en: 'The row has {actual} columns, but the header row has {expected}.',
    sv: 'Raden har {actual} kolumner, men rubrikraden har {expected}.',
  }),
  csvValueMissing: defineProblem('CSV_VALUE_MISSING', {
    en: 'A value is required.',
    sv: 'Ett värde krävs.',
  }),
  csvValueTooLong: defineProblem('CSV_VALUE_TOO_LONG', {
    en: 'The value is longer than {max} characters.',
    sv: 'Värdet är längre än {max} tecken.',
  }),
  csvNulCharacter: defineProblem('CSV_NUL_CHARACTER', {
    en: 'The value contains a NUL character, which cannot be stored.',
    sv: 'Värdet innehåller ett NUL-tecken, som inte kan lagras.',
  }),
  csvTypeUnknown: defineProblem('CSV_TYPE_UNKNOWN', {
    en: 'The object type {type} does not exist.',
    sv: 'Objekttypen {type} finns inte.',
  }),
  csvTypeReserved: defineProblem('CSV_TYPE_RESERVED', {
    en: 'Objects of type {type} are requirement sets or requirements, which are imported from OSCAL, not from CSV.',
    sv: 'Objekt av typen {type} är kravsamlingar eller krav, som importeras från OSCAL, inte från CSV.',
  }),
  csvLevelInvalid: defineProblem('CSV_LEVEL_INVALID', {
    en: 'The level {value} is not a level of the dimension. Use one of {levels}, by number or name.',
    sv: 'Nivån {value} är ingen nivå i aspekten. Använd någon av {levels}, som siffra eller namn.',
  }),
  csvAttributeNotOfType: defineProblem('CSV_ATTRIBUTE_NOT_OF_TYPE', {
    en: 'Objects of type {type} have no such attribute, so leave the cell empty.',
    sv: 'Objekt av typen {type} har inget sådant attribut, så lämna cellen tom.',
  }),
  csvValueInvalid: defineProblem('CSV_VALUE_INVALID', {
    en: 'The value {value} is not a valid {kind}.',
    sv: 'Värdet {value} är inte ett giltigt värde av sorten {kind}.',
  }),
  csvChoiceAmbiguous: defineProblem('CSV_CHOICE_AMBIGUOUS', {
    en: 'More than one choice is named {value}. Use the choice key.',
    sv: 'Fler än ett val heter {value}. Använd valets nyckel.',
  }),
  csvReferenceNotFound: defineProblem('CSV_REFERENCE_NOT_FOUND', {
    en: 'No object has the id, external id or name {value}.',
    sv: 'Inget objekt har id:t, det externa id:t eller namnet {value}.',
  }),
  csvReferenceAmbiguous: defineProblem('CSV_REFERENCE_AMBIGUOUS', {
    en: 'More than one object is named {value}. Use its external id.',
    sv: 'Fler än ett objekt heter {value}. Använd dess externa id.',
  }),
  csvAttributeInvalid: defineProblem('CSV_ATTRIBUTE_INVALID', {
    en: 'The value does not fit the attribute: {reason}.',
    sv: 'Värdet passar inte attributet: {reason}.',
  }),
  csvNameAmbiguous: defineProblem('CSV_NAME_AMBIGUOUS', {
    en: '{count} objects of the type are named {name}, so the row cannot be matched to one of them. Add an external id column.',
    sv: '{count} objekt av typen heter {name}, så raden kan inte matchas mot ett av dem. Lägg till en kolumn med externt id.',
  }),
  csvExternalIdOtherType: defineProblem('CSV_EXTERNAL_ID_OTHER_TYPE', {
    en: 'The external id {externalId} belongs to an object of type {type}. A CSV import does not change the type of an object.',
    sv: 'Det externa id:t {externalId} tillhör ett objekt av typen {type}. En CSV-import ändrar inte ett objekts typ.',
  }),
  csvRowsMatchSameObject: defineProblem('CSV_ROWS_MATCH_SAME_OBJECT', {
    en: 'The row matches the same object as line {otherLine}. Keep one of the rows.',
    sv: 'Raden matchar samma objekt som rad {otherLine}. Behåll en av raderna.',
  }),
  csvLikelyDuplicateRow: defineProblem('CSV_LIKELY_DUPLICATE_ROW', {
    en: 'The name is almost the same as {name} on line {otherLine}. Check that they are not the same object.',
    sv: 'Namnet är nästan detsamma som {name} på rad {otherLine}. Kontrollera att de inte är samma objekt.',
  }),
  csvLikelyDuplicateObject: defineProblem('CSV_LIKELY_DUPLICATE_OBJECT', {
    en: 'The name is almost the same as that of the existing object {name}. Check that they are not the same object.',
    sv: 'Namnet är nästan detsamma som det befintliga objektet {name}. Kontrollera att de inte är samma objekt.',
  }),
  csvSameName: defineProblem('CSV_SAME_NAME', {
    en: 'Line {otherLine} has the same name, so the import creates two objects with this name.',
    sv: 'Rad {otherLine} har samma namn, så importen skapar två objekt med det här namnet.',
  }),
};

/** One problem in an imported file. `values` fill the braces of the problem's message. */
export interface Problem {
  code: string;
  values?: Record<string, string | number>;
}

/** Registers the message of a problem code and returns the code. */
function defineProblem<Code extends string>(code: Code, message: LocalizedText): Code {
  problemMessages.set(code, message);
  return code;
}

/** Returns the message of a problem in the given language, with its values filled in. */
export function problemMessage(problem: Problem, locale: Locale): string {
  const message = problemMessages.get(problem.code);
  return message ? formatText(message[locale], problem.values) : problem.code;
}
