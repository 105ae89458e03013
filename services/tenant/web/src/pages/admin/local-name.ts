import { currentLanguage } from '../../i18n';

/** Returns the Swedish or the English name, whichever matches the user's language. */
export function localName(item: { nameSv: string; nameEn: string }): string {
  return currentLanguage() === 'sv' ? item.nameSv : item.nameEn;
}
