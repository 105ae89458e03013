import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { hasErrorCode } from '../../api/client';
import { ErrorMessage } from '../../components/error-message';
import { useFormat } from '../../hooks/use-format';

const WAIT_CODES = ['SIGN_IN_THROTTLED', 'SIGN_IN_LOCKED', 'RATE_LIMITED'];

/**
 * Returns true while the wait that a 429 with Retry-After asked for is still
 * running, so the form can disable its submit button until then.
 */
export function useRetryWait(error: unknown): boolean {
  const [waitingFor, setWaitingFor] = useState<unknown>(null);
  const retryAfter = hasErrorCode(error, ...WAIT_CODES) ? error.retryAfterSeconds : undefined;

  useEffect(() => {
    if (retryAfter === undefined || retryAfter <= 0) {
      return;
    }
    setWaitingFor(error);
    const timer = setTimeout(() => setWaitingFor(null), retryAfter * 1000);
    return () => clearTimeout(timer);
  }, [error, retryAfter]);

  return waitingFor !== null && waitingFor === error;
}

/**
 * Shows a sign-in error. Throttling and locks get a message with the wait
 * from Retry-After in the user's language, because the wait is what the
 * user needs to know. Other errors show the server's message.
 */
export function SignInError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const format = useFormat();

  if (hasErrorCode(error, ...WAIT_CODES) && error.retryAfterSeconds !== undefined) {
    const wait = format.duration(error.retryAfterSeconds);
    const until = format.time(Date.now() + error.retryAfterSeconds * 1000);
    let key: 'signIn.locked' | 'signIn.throttled' | 'signIn.rateLimited' = 'signIn.rateLimited';
    if (error.code === 'SIGN_IN_LOCKED') {
      key = 'signIn.locked';
    } else if (error.code === 'SIGN_IN_THROTTLED') {
      key = 'signIn.throttled';
    }
    return (
      <p className="error" role="alert" data-testid="sign-in-error" data-error-code={error.code} data-retry-after={error.retryAfterSeconds}>
        {t(key, { wait, until })}
        <span className="error-code"> {t('errors.code', { code: error.code })}</span>
      </p>
    );
  }
  return <ErrorMessage error={error} testId="sign-in-error" />;
}
