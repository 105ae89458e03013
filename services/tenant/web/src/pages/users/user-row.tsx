import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ACCESS_LEVELS, type AccessLevel, type UserSummary } from '../../api/types';
import { useFormat } from '../../hooks/use-format';
import type { UserAction } from './user-actions';

interface UserRowProps {
  user: UserSummary;
  isSelf: boolean;
  onAction: (user: UserSummary, action: UserAction) => void;
}

const KNOWN_STATUSES = ['active', 'deactivated', 'pending'] as const;

/** Returns the translated status, or the status as the server sent it when this client does not know it. */
function statusLabel(status: string, translate: (key: `users.statuses.${(typeof KNOWN_STATUSES)[number]}`) => string): string {
  const known = KNOWN_STATUSES.find((candidate) => candidate === status);
  return known === undefined ? status : translate(`users.statuses.${known}`);
}

/** Returns true while the user's sign-in is locked after too many failures. */
function isLocked(user: UserSummary): boolean {
  return user.lockedUntil !== null && new Date(user.lockedUntil).getTime() > Date.now();
}

/** Renders one user in the users table, with the actions an administrator can take. */
export function UserRow({ user, isSelf, onAction }: UserRowProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const [level, setLevel] = useState<AccessLevel>(user.accessLevel);
  const locked = isLocked(user);
  // Names the user in every button, so a screen reader that lists the buttons can distinguish the rows.
  const forUser = { email: user.email };

  return (
    <tr data-testid="user-row" data-email={user.email} data-level={user.accessLevel} data-status={user.status} data-locked={locked}>
      <th scope="row">
        {user.email}
        {isSelf && <span className="muted"> {t('users.you')}</span>}
      </th>
      <td>{user.mobile ?? '–'}</td>
      <td data-testid="user-level">{t(`accessLevels.${user.accessLevel}`)}</td>
      <td data-testid="user-status">{statusLabel(user.status, (key) => t(key))}</td>
      <td>{user.factors.length === 0 ? '–' : user.factors.map((factor) => t(`factors.${factor}`)).join(', ')}</td>
      <td data-testid="user-locked-until">
        {locked && user.lockedUntil !== null ? <time dateTime={user.lockedUntil}>{format.dateTime(user.lockedUntil)}</time> : '–'}
      </td>
      <td>
        <div className="row-actions">
          <div className="inline-field">
            <label htmlFor={`${id}-level`} className="visually-hidden">
              {t('users.newLevelFor', forUser)}
            </label>
            <select id={`${id}-level`} data-testid="user-level-select" value={level} onChange={(event) => setLevel(event.target.value as AccessLevel)}>
              {ACCESS_LEVELS.map((option) => (
                <option key={option} value={option}>
                  {t(`accessLevels.${option}`)}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="secondary"
              data-testid="user-level-apply"
              disabled={level === user.accessLevel}
              aria-label={t('users.changeLevelFor', forUser)}
              onClick={() => onAction(user, { kind: 'change-level', accessLevel: level })}
            >
              {t('users.changeLevel')}
            </button>
          </div>
          {user.status === 'deactivated' ? (
            <button type="button" className="secondary" data-testid="user-reactivate" aria-label={t('users.reactivateFor', forUser)} onClick={() => onAction(user, { kind: 'reactivate' })}>
              {t('users.reactivate')}
            </button>
          ) : (
            <button type="button" className="danger" data-testid="user-deactivate" aria-label={t('users.deactivateFor', forUser)} onClick={() => onAction(user, { kind: 'deactivate' })}>
              {t('users.deactivate')}
            </button>
          )}
          <button type="button" className="secondary" data-testid="user-reset-factor" aria-label={t('users.resetFactorFor', forUser)} onClick={() => onAction(user, { kind: 'reset-factor' })}>
            {t('users.resetFactor')}
          </button>
          <button type="button" className="secondary" data-testid="user-revoke-sessions" aria-label={t('users.revokeSessionsFor', forUser)} onClick={() => onAction(user, { kind: 'revoke-sessions' })}>
            {t('users.revokeSessions')}
          </button>
          {locked && (
            <button type="button" className="secondary" data-testid="user-unlock" aria-label={t('users.unlockFor', forUser)} onClick={() => onAction(user, { kind: 'unlock' })}>
              {t('users.unlock')}
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
