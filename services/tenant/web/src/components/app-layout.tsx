import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';

import { endSession } from '../api/session-store';
import { useFocusOnNavigate } from '../hooks/use-focus-on-navigate';
import { useCanWrite, useSession } from '../session/session-context';
import { LanguageSwitch } from './language-switch';

/** Frame of the signed-in pages: navigation bar, then the page. */
export function AppLayout() {
  const { t } = useTranslation();
  const session = useSession();
  const canWrite = useCanWrite();
  const navigate = useNavigate();
  const main = useRef<HTMLElement>(null);
  useFocusOnNavigate(main);

  const signOut = () => {
    endSession('sign-out');
    void navigate('/sign-in', { replace: true });
  };

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="site-header">
        <Link to="/" className="brand" data-testid="nav-home">
          {t('app.name')}
        </Link>
        <nav aria-label={t('nav.label')}>
          <ul className="nav-links">
            <li>
              <NavLink to="/objects" data-testid="nav-objects">
                {t('nav.objects')}
              </NavLink>
            </li>
            {canWrite && (
              <li>
                <NavLink to="/import" data-testid="nav-import">
                  {t('nav.import')}
                </NavLink>
              </li>
            )}
            <li>
              <NavLink to="/audit" data-testid="nav-audit">
                {t('nav.audit')}
              </NavLink>
            </li>
          </ul>
        </nav>
        <div className="header-tools">
          {session !== null && (
            <span className="signed-in-as" data-testid="nav-user">
              {t('nav.signedInAs', { email: session.user.email })}
            </span>
          )}
          <LanguageSwitch />
          <button type="button" className="link-button" data-testid="nav-sign-out" onClick={signOut}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
