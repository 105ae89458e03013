import 'i18next';

import type { enMessages } from './messages';

// Makes `t('some.key')` a compile error when the key does not exist.
declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: typeof enMessages };
  }
}
