import { defineError } from '@esm/common';

/** Error codes of the classification routes. */
export const CLASSIFICATION_ERRORS = {
  dimensionUnknown: defineError('CLASSIFICATION_DIMENSION_UNKNOWN', 422, {
    en: 'The classification scale has no dimension {dimension}. Choose one of the dimensions the scale lists.',
    sv: 'Klassningsskalan har ingen aspekt {dimension}. Välj en av aspekterna i skalan.',
  }),
  levelUnknown: defineError('CLASSIFICATION_LEVEL_UNKNOWN', 422, {
    en: 'Level {level} is not on the scale of {dimension}. Choose one of the levels the scale lists.',
    sv: 'Nivå {level} finns inte i skalan för {dimension}. Välj en av nivåerna i skalan.',
  }),
  /** A level set by hand, on an information object or as an override, always needs a reason. */
  justificationMissing: defineError('CLASSIFICATION_JUSTIFICATION_MISSING', 422, {
    en: 'A level set by hand needs a justification. Write why the object has this level.',
    sv: 'En nivå som sätts för hand behöver en motivering. Skriv varför objektet har den här nivån.',
  }),
  levelNotSet: defineError('CLASSIFICATION_LEVEL_NOT_SET', 404, {
    en: 'No level is set by hand on this object in {dimension}, so there is nothing to remove.',
    sv: 'Ingen nivå är satt för hand på det här objektet i {dimension}, så det finns inget att ta bort.',
  }),
  /**
   * The request names another version of the level set by hand than the
   * current one, or names none while one exists. The response carries
   * `current`, the level as it is now (null when none is set).
   */
  levelVersionConflict: defineError('CLASSIFICATION_LEVEL_VERSION_CONFLICT', 409, {
    en: 'Someone else changed the level of {dimension} on this object after you loaded it. Review the current level and make your change again.',
    sv: 'Någon annan ändrade nivån för {dimension} på det här objektet efter att du läste in den. Granska den aktuella nivån och gör din ändring igen.',
  }),
  /** The response carries `current`, the scale as it is now, and `differingFields`. */
  scaleVersionConflict: defineError('CLASSIFICATION_SCALE_VERSION_CONFLICT', 409, {
    en: 'Someone else changed the classification scale after you loaded it (you had version {requested}, the current one is {current}). Review the current scale and make your change again.',
    sv: 'Någon annan ändrade klassningsskalan efter att du läste in den (du hade version {requested}, den aktuella är {current}). Granska den aktuella skalan och gör din ändring igen.',
  }),
  scaleDuplicateDimension: defineError('CLASSIFICATION_SCALE_DIMENSION_DUPLICATE', 422, {
    en: 'The scale lists the dimension {dimension} more than once. List each dimension once.',
    sv: 'Skalan tar upp aspekten {dimension} mer än en gång. Ta upp varje aspekt en gång.',
  }),
  scaleDuplicateLevel: defineError('CLASSIFICATION_SCALE_LEVEL_DUPLICATE', 422, {
    en: 'The dimension {dimension} lists level {level} more than once. List each level once.',
    sv: 'Aspekten {dimension} tar upp nivå {level} mer än en gång. Ta upp varje nivå en gång.',
  }),
  /** Removing a level that objects have set by hand would change their classification, so it is refused. */
  levelInUse: defineError('CLASSIFICATION_LEVEL_IN_USE', 409, {
    en: 'Level {level} of {dimension} cannot be removed because {objects} objects have it set by hand. Give those objects another level first.',
    sv: 'Nivå {level} i {dimension} kan inte tas bort eftersom {objects} objekt har den satt för hand. Ge de objekten en annan nivå först.',
  }),
  /**
   * Removing a dimension would drop the levels set in it and the
   * applicability rules that use it, so it is refused while there are any.
   */
  dimensionInUse: defineError('CLASSIFICATION_DIMENSION_IN_USE', 409, {
    en: 'The dimension {dimension} cannot be removed because {objects} objects have a level set by hand in it and {rules} applicability rules use it. Remove those levels and rules first.',
    sv: 'Aspekten {dimension} kan inte tas bort eftersom {objects} objekt har en nivå satt för hand i den och {rules} tillämplighetsregler använder den. Ta bort de nivåerna och reglerna först.',
  }),
  /** Requirement sets and requirements are not part of the model that protection needs travel through. */
  objectNotClassifiable: defineError('CLASSIFICATION_OBJECT_NOT_CLASSIFIABLE', 422, {
    en: 'Requirement sets and requirements have no classification level.',
    sv: 'Kravsamlingar och krav har ingen klassningsnivå.',
  }),
};
