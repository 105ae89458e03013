import { en as baseEn, type Shape } from './en';
import { sv as baseSv } from './sv';
import { en as administrationEn, sv as administrationSv } from './areas/administration';
import { en as analysisEn, sv as analysisSv } from './areas/analysis';
import { en as modelObjectsEn, sv as modelObjectsSv } from './areas/model-objects';

/**
 * Every text of the client: the base texts of en.ts and sv.ts plus one
 * top-level key per area module in ./areas. An area module exports `en`
 * and `sv` with the same shape, which `Shape` checks.
 */
export const enMessages = {
  ...baseEn,
  ...administrationEn,
  ...analysisEn,
  ...modelObjectsEn,
};

export const svMessages: Shape<typeof enMessages> = {
  ...baseSv,
  ...administrationSv,
  ...analysisSv,
  ...modelObjectsSv,
};
