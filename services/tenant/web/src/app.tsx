import { Route, Routes } from 'react-router';

import { AppLayout } from './components/app-layout';
import { PublicLayout } from './components/public-layout';
import { RequireSession } from './components/require-session';
import { AccountPage } from './pages/account/account-page';
import { ClassificationScalePage } from './pages/admin/classification-scale-page';
import { MetaModelPage } from './pages/admin/meta-model-page';
import {
  LazyClassificationOverviewPage,
  LazyGraphPage,
  LazyObjectStatementsPage,
  LazyRequirementSetPage,
  LazyRequirementSetsPage,
} from './pages/analysis-pages';
import { AuditPage } from './pages/audit/audit-page';
import { ExportPage } from './pages/export/export-page';
import { HomePage } from './pages/home-page';
import { ImportPage } from './pages/import/import-page';
import { InvitePage } from './pages/invite/invite-page';
import { NotFoundPage } from './pages/not-found-page';
import { ObjectPage } from './pages/object/object-page';
import { ObjectListPage } from './pages/objects/object-list-page';
import { ForgotPasswordPage } from './pages/password-reset/forgot-password-page';
import { ResetPasswordPage } from './pages/password-reset/reset-password-page';
import { SignInPage } from './pages/sign-in/sign-in-page';
import { UsersPage } from './pages/users/users-page';
import { SessionProvider } from './session/session-context';

/** Renders the routes of the web client. Every page except invitation, sign-in and password reset needs a session. */
export function App() {
  return (
    <SessionProvider>
      <Routes>
        <Route element={<PublicLayout />}>
          <Route path="/invite/:token" element={<InvitePage />} />
          <Route path="/sign-in" element={<SignInPage />} />
          <Route path="/forgot-password" element={<ForgotPasswordPage />} />
          <Route path="/reset-password/:token" element={<ResetPasswordPage />} />
        </Route>
        <Route
          element={
            <RequireSession>
              <AppLayout />
            </RequireSession>
          }
        >
          <Route index element={<HomePage />} />
          <Route path="/objects" element={<ObjectListPage />} />
          <Route path="/objects/:id" element={<ObjectPage />} />
          <Route path="/objects/:id/graph" element={<LazyGraphPage />} />
          <Route path="/objects/:id/statements" element={<LazyObjectStatementsPage />} />
          <Route path="/classification" element={<LazyClassificationOverviewPage />} />
          <Route path="/requirements" element={<LazyRequirementSetsPage />} />
          <Route path="/requirements/:id" element={<LazyRequirementSetPage />} />
          <Route path="/import" element={<ImportPage />} />
          <Route path="/export" element={<ExportPage />} />
          <Route path="/admin/meta-model" element={<MetaModelPage />} />
          <Route path="/admin/classification-scale" element={<ClassificationScalePage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="/account" element={<AccountPage />} />
          <Route path="/users" element={<UsersPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}
