import { defineError } from '@esm/common';

/** Error codes of the model routes (objects and relations). */
export const MODEL_ERRORS = {
  objectNotFound: defineError('OBJECT_NOT_FOUND', 404, {
    en: 'The object was not found. It may have been deleted.',
    sv: 'Objektet hittades inte. Det kan ha tagits bort.',
  }),
  relationNotFound: defineError('RELATION_NOT_FOUND', 404, {
    en: 'The relation was not found. It may have been deleted.',
    sv: 'Relationen hittades inte. Den kan ha tagits bort.',
  }),
  /** The source or target object of a new relation does not exist. */
  relationEndpointNotFound: defineError('RELATION_ENDPOINT_NOT_FOUND', 422, {
    en: 'The relation cannot be created because its source or target object was not found.',
    sv: 'Relationen kan inte skapas eftersom dess käll- eller målobjekt inte hittades.',
  }),
  pageCursorInvalid: defineError('PAGE_CURSOR_INVALID', 400, {
    en: 'The page position in the request is not valid. Load the list again from the start.',
    sv: 'Sidpositionen i förfrågan är ogiltig. Läs in listan igen från början.',
  }),
  /**
   * The request names a version of the object that is not the current one.
   * The response carries `current`, `base` and `differingFields` next to the
   * code, so the client can show both versions and let the user decide.
   */
  objectVersionConflict: defineError('OBJECT_VERSION_CONFLICT', 409, {
    en: 'Someone else changed the object after you loaded it (you had version {requested}, the current one is {current}). Review the current version and make your change again.',
    sv: 'Någon annan ändrade objektet efter att du läste in det (du hade version {requested}, den aktuella är {current}). Granska den aktuella versionen och gör din ändring igen.',
  }),
  /** `external_id` is unique, so two objects can never be matched to one row of an import. */
  objectExternalIdTaken: defineError('OBJECT_EXTERNAL_ID_TAKEN', 409, {
    en: 'Another object already has the external id {externalId}. Choose another external id or change the other object first.',
    sv: 'Ett annat objekt har redan det externa id:t {externalId}. Välj ett annat externt id eller ändra det andra objektet först.',
  }),
  /**
   * Requirement sets and requirements keep rows in tables of their own, which
   * only the requirements API writes. The objects API may change their name,
   * description and attributes, but not create or delete them or change a
   * type to or from those types.
   */
  objectTypeReserved: defineError('OBJECT_TYPE_RESERVED', 422, {
    en: 'Objects of type {type} are requirement sets or requirements. Create, change and delete those through the requirement sets.',
    sv: 'Objekt av typen {type} är kravsamlingar eller krav. Skapa, ändra och ta bort sådana via kravsamlingarna.',
  }),
  /** The response carries `relations`: each relation that the new type would break, with both ends. */
  objectTypeChangeBreaksRelations: defineError('OBJECT_TYPE_CHANGE_BREAKS_RELATIONS', 422, {
    en: 'The type cannot be changed to {type} because these relations do not allow it: {relations}. Delete those relations first or choose another type.',
    sv: 'Typen kan inte ändras till {type} eftersom de här relationerna inte tillåter det: {relations}. Ta bort relationerna först eller välj en annan typ.',
  }),
  /** A list filter names an attribute that no object type has (or that the filtered type lacks). */
  objectFilterAttributeUnknown: defineError('OBJECT_FILTER_ATTRIBUTE_UNKNOWN', 400, {
    en: 'The listed object types have no attribute {attribute}, so the list cannot be filtered on it. Check the attribute key.',
    sv: 'Objekttyperna i listan har inget attribut {attribute}, så listan kan inte filtreras på det. Kontrollera attributets nyckel.',
  }),
  /** A filter value that the attribute's kind cannot hold, or a range on a kind other than number or date. */
  objectFilterValueInvalid: defineError('OBJECT_FILTER_VALUE_INVALID', 400, {
    en: 'The filter {filter} has a value that the attribute cannot hold. Numbers are written like 12.5, dates as YYYY-MM-DD, yes/no as true or false, and only number and date attributes take .min and .max.',
    sv: 'Filtret {filter} har ett värde som attributet inte kan ha. Tal skrivs som 12.5, datum som ÅÅÅÅ-MM-DD, ja/nej som true eller false, och bara tal- och datumattribut tar .min och .max.',
  }),
};
