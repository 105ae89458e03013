import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet } from 'react-router';

import { signOut } from '../api/sign-out';
import { useFocusOnNavigate } from '../hooks/use-focus-on-navigate';
import { useCanWrite, useIsAdministrator, useSession } from '../session/session-context';
import { LanguageSwitch } from './language-switch';

/** Frame of the signed-in pages: navigation bar, then the page. */
export function AppLayout() {
  const { t } = useTranslation();
  const session = useSession();
  const canWrite = useCanWrite();
  const isAdministrator = useIsAdministrator();
  const main = useRef<HTMLElement>(null);
  const [signingOut, setSigningOut] = useState(false);
  useFocusOnNavigate(main);

  // Ending the session makes RequireSession show the sign-in page, so no navigation is needed here.
  const startSignOut = () => {
    setSigningOut(true);
    void signOut();
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
            <li>
              <NavLink to="/classification" data-testid="nav-classification">
                {t('analysis.nav.classification')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/requirements" data-testid="nav-requirements">
                {t('analysis.nav.requirements')}
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
              <NavLink to="/export" data-testid="nav-export">
                {t('administration.nav.export')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/audit" data-testid="nav-audit">
                {t('nav.audit')}
              </NavLink>
            </li>
            {isAdministrator && (
              <li>
                <NavLink to="/users" data-testid="nav-users">
                  {t('nav.users')}
                </NavLink>
              </li>
            )}
            {isAdministrator && (
              <li>
                <NavLink to="/admin/meta-model" data-testid="nav-meta-model">
                  {t('administration.nav.metaModel')}
                </NavLink>
              </li>
            )}
            {isAdministrator && (
              <li>
                <NavLink to="/admin/classification-scale" data-testid="nav-scale">
                  {t('administration.nav.scale')}
                </NavLink>
              </li>
            )}
          </ul>
        </nav>
        <div className="header-tools">
          {session !== null && (
            <NavLink to="/account" className="signed-in-as" data-testid="nav-user" aria-label={t('nav.accountFor', { email: session.user.email })}>
              {session.user.email}
            </NavLink>
          )}
          <LanguageSwitch />
          <button type="button" className="link-button" data-testid="nav-sign-out" disabled={signingOut} onClick={startSignOut}>
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
