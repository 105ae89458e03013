import { en as baseEn, type Shape } from './en';
import { sv as baseSv } from './sv';

/**
 * Every text of the client: the base texts of en.ts and sv.ts plus one
 * top-level key per area module in ./areas. An area module exports `en`
 * and `sv` with the same shape, which `Shape` checks.
 */
export const enMessages = {
  ...baseEn,
};

export const svMessages: Shape<typeof enMessages> = {
  ...baseSv,
};
