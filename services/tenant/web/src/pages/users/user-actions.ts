import { apiRequest } from '../../api/client';
import type { AccessLevel } from '../../api/types';

/** An action an administrator takes on a user from the users page. */
export type UserAction =
  | { kind: 'change-level'; accessLevel: AccessLevel }
  | { kind: 'deactivate' }
  | { kind: 'reactivate' }
  | { kind: 'reset-factor' }
  | { kind: 'revoke-sessions' }
  | { kind: 'unlock' };

/** Returns true for actions that take something away from the user, which the administrator confirms first. */
export function needsConfirmation(action: UserAction): boolean {
  return action.kind !== 'reactivate' && action.kind !== 'unlock';
}

/** Sends the request for one action. Throws ApiError with the server's message, for example USER_SELF_CHANGE. */
export async function runUserAction(userId: string, action: UserAction): Promise<void> {
  const base = `/api/users/${encodeURIComponent(userId)}`;
  switch (action.kind) {
    case 'change-level':
      await apiRequest<unknown>(base, { method: 'PATCH', body: { accessLevel: action.accessLevel } });
      return;
    case 'deactivate':
      await apiRequest<unknown>(base, { method: 'PATCH', body: { status: 'deactivated' } });
      return;
    case 'reactivate':
      await apiRequest<unknown>(base, { method: 'PATCH', body: { status: 'active' } });
      return;
    case 'reset-factor':
      await apiRequest<void>(`${base}/reset-factor`, { method: 'POST' });
      return;
    case 'revoke-sessions':
      await apiRequest<void>(`${base}/revoke-sessions`, { method: 'POST' });
      return;
    case 'unlock':
      await apiRequest<void>(`${base}/unlock`, { method: 'POST' });
      return;
  }
}
