import { useTranslation } from 'react-i18next';

import { ApiError } from '../api/client';

interface ErrorMessageProps {
  error: unknown;
  testId?: string;
}

/** Shows an API error's translated message and code. Its role="alert" makes screen readers announce it. */
export function ErrorMessage({ error, testId = 'error-message' }: ErrorMessageProps) {
  const { t } = useTranslation();
  if (error === null || error === undefined) {
    return null;
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <p className="error" role="alert" data-testid={testId} data-error-code={code}>
      {message}
      {code !== undefined && <span className="error-code"> {t('errors.code', { code })}</span>}
    </p>
  );
}
