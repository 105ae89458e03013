import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet } from 'react-router';

import { useFocusOnNavigate } from '../hooks/use-focus-on-navigate';
import { LanguageSwitch } from './language-switch';

/** Frame of the pages that need no sign-in: invitation and sign-in. */
export function PublicLayout() {
  const { t } = useTranslation();
  const main = useRef<HTMLElement>(null);
  useFocusOnNavigate(main);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="site-header">
        <span className="brand">{t('app.name')}</span>
        <div className="header-tools">
          <LanguageSwitch />
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="narrow">
        <Outlet />
      </main>
    </>
  );
}
