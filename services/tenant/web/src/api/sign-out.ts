import { apiHeaders, apiRequest } from './client';
import { ensureFreshSession } from './session';
import { endSession } from './session-store';

/**
 * Ends this session on the server with POST /api/auth/sign-out, which also
 * clears the refresh cookie, then discards the access token. The token is
 * discarded even when the server cannot be reached or fails, and the sign-in page then
 * warns that the session may still be active there.
 */
export async function signOut(): Promise<void> {
  try {
    await ensureFreshSession();
    // fetch instead of apiRequest, because a 401 here means the session has already ended, which is what the user asked for.
    const response = await fetch('/api/auth/sign-out', { method: 'POST', headers: apiHeaders(true), credentials: 'same-origin' });
    endSession(response.ok || response.status === 401 ? 'sign-out' : 'sign-out-unconfirmed');
  } catch {
    endSession('sign-out-unconfirmed');
  }
}

/**
 * Revokes every session of the user with POST /api/auth/sign-out-everywhere,
 * this one included. Throws ApiError when the server did not confirm it, and
 * then keeps this session, so the user sees the failure and can try again.
 */
export async function signOutEverywhere(): Promise<void> {
  await apiRequest<void>('/api/auth/sign-out-everywhere', { method: 'POST' });
  endSession('signed-out-everywhere');
}
