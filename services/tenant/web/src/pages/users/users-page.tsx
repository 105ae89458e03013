import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { UserSummary } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { useIsAdministrator, useSession } from '../../session/session-context';
import { InviteUserForm } from './invite-user-form';
import { needsConfirmation, runUserAction, type UserAction } from './user-actions';
import { UserRow } from './user-row';

interface PendingAction {
  user: UserSummary;
  action: UserAction;
}

/** /users: administrators list, invite and manage the users of the tenant. */
export function UsersPage() {
  const { t } = useTranslation();
  const isAdministrator = useIsAdministrator();
  const selfId = useSession()?.user.id;
  const users = useApiResource<{ users: UserSummary[] }>(isAdministrator ? '/api/users' : null);
  const [pending, setPending] = useState<PendingAction | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  if (!isAdministrator) {
    return (
      <>
        <title>{`${t('users.title')} – ${t('app.name')}`}</title>
        <h1>{t('users.title')}</h1>
        <p className="notice" data-testid="users-no-access">
          {t('users.noAccess')}
        </p>
      </>
    );
  }

  const describe = ({ user, action }: PendingAction): string =>
    action.kind === 'change-level'
      ? t('users.done.change-level', { email: user.email, level: t(`accessLevels.${action.accessLevel}`) })
      : t(`users.done.${action.kind}`, { email: user.email });

  const perform = async (request: PendingAction) => {
    await runUserAction(request.user.id, request.action);
    setStatus(describe(request));
    users.reload();
  };

  const startAction = (user: UserSummary, action: UserAction) => {
    setStatus(null);
    setError(undefined);
    if (needsConfirmation(action)) {
      setPending({ user, action });
      return;
    }
    perform({ user, action }).catch(setError);
  };

  const confirmTexts = (request: PendingAction) => {
    const values = { email: request.user.email };
    if (request.action.kind === 'change-level') {
      return {
        title: t('users.confirm.change-level.title', values),
        text: t('users.confirm.change-level.text', { ...values, level: t(`accessLevels.${request.action.accessLevel}`) }),
        label: t('users.changeLevel'),
      };
    }
    const kind = request.action.kind as 'deactivate' | 'reset-factor' | 'revoke-sessions';
    return {
      title: t(`users.confirm.${kind}.title`, values),
      text: t(`users.confirm.${kind}.text`, values),
      label: t(`users.confirm.${kind}.label`),
    };
  };

  return (
    <>
      <title>{`${t('users.title')} – ${t('app.name')}`}</title>
      <h1>{t('users.title')}</h1>

      <div aria-live="polite">
        {users.loading && <p>{t('app.loading')}</p>}
        {status !== null && (
          <p className="success" data-testid="users-status">
            {status}
          </p>
        )}
      </div>
      <ErrorMessage error={users.error} testId="users-error" />
      <ErrorMessage error={error} testId="users-action-error" />

      {users.data !== undefined && (
        <div className="table-scroll">
          <table data-testid="user-list">
            <caption className="visually-hidden">{t('users.tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('users.email')}</th>
                <th scope="col">{t('users.mobile')}</th>
                <th scope="col">{t('users.accessLevel')}</th>
                <th scope="col">{t('users.status')}</th>
                <th scope="col">{t('users.factors')}</th>
                <th scope="col">{t('users.lockedUntil')}</th>
                <th scope="col">{t('users.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.users.map((user) => (
                // The key includes the level, so the row's level select resets after a reload.
                <UserRow key={`${user.id}-${user.accessLevel}`} user={user} isSelf={user.id === selfId} onAction={startAction} />
              ))}
            </tbody>
          </table>
        </div>
      )}

      <InviteUserForm onInvited={users.reload} />

      {pending !== null && (
        <ConfirmDialog
          title={confirmTexts(pending).title}
          text={confirmTexts(pending).text}
          confirmLabel={confirmTexts(pending).label}
          onConfirm={() => perform(pending)}
          onClose={() => setPending(null)}
        />
      )}
    </>
  );
}
