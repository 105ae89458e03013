import { en as baseEn, type Shape } from './en';
import { sv as baseSv } from './sv';
import { en as administrationEn, sv as administrationSv } from './areas/administration';
import { en as analysisEn, sv as analysisSv } from './areas/analysis';
import { en as classificationAdminEn, sv as classificationAdminSv } from './areas/classification-admin';
import { en as historyEn, sv as historySv } from './areas/history';
import { en as importPreviewEn, sv as importPreviewSv } from './areas/import-preview';
import { en as modelObjectsEn, sv as modelObjectsSv } from './areas/model-objects';
import { en as requirementAdminEn, sv as requirementAdminSv } from './areas/requirement-admin';

/**
 * Every text of the client: the base texts of en.ts and sv.ts plus one
 * top-level key per area module in ./areas. An area module exports `en`
 * and `sv` with the same shape, which `Shape` checks.
 */
export const enMessages = {
  ...baseEn,
  ...administrationEn,
  ...analysisEn,
  ...classificationAdminEn,
  ...historyEn,
  ...importPreviewEn,
  ...modelObjectsEn,
  ...requirementAdminEn,
};

export const svMessages: Shape<typeof enMessages> = {
  ...baseSv,
  ...administrationSv,
  ...analysisSv,
  ...classificationAdminSv,
  ...historySv,
  ...importPreviewSv,
  ...modelObjectsSv,
  ...requirementAdminSv,
};
