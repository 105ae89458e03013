import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest, hasErrorCode } from '../../api/client';
import type { Factor, SentCodeFactor, SignInResult } from '../../api/types';
import { CodeField, isSixDigitCode } from '../../components/code-field';
import { ErrorMessage } from '../../components/error-message';
import { SignInError, useRetryWait } from './sign-in-error';

/** Code attempts one challenge allows. The server enforces the same number. */
export const CHALLENGE_ATTEMPTS = 5;

const KNOWN_FACTORS: readonly Factor[] = ['totp', 'sms', 'email', 'recovery'];

interface SecondFactorStepProps {
  challenge: string;
  factors: Factor[];
  onSignedIn: (result: SignInResult) => void;
  onStartOver: () => void;
}

function isSentCodeFactor(factor: Factor): factor is SentCodeFactor {
  return factor === 'sms' || factor === 'email';
}

/**
 * Second sign-in step: the user picks one of their factors and enters its
 * code. SMS and e-mail codes are sent on request. A wrong code keeps the user
 * here until the challenge has used up its attempts.
 */
export function SecondFactorStep({ challenge, factors, onSignedIn, onStartOver }: SecondFactorStepProps) {
  const { t } = useTranslation();
  const id = useId();
  const usable = factors.filter((factor) => KNOWN_FACTORS.includes(factor));
  // A recovery code is the last resort, so another factor is chosen first when there is one.
  const [factor, setFactor] = useState<Factor | undefined>(usable.find((candidate) => candidate !== 'recovery') ?? usable[0]);
  const [code, setCode] = useState('');
  const [sentTo, setSentTo] = useState<SentCodeFactor | null>(null);
  const [sending, setSending] = useState(false);
  const [failures, setFailures] = useState(0);
  const [error, setError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);
  const waiting = useRetryWait(error);
  const attemptsLeft = CHALLENGE_ATTEMPTS - failures;

  const chooseFactor = (next: Factor) => {
    setFactor(next);
    setCode('');
    setError(undefined);
  };

  const sendCode = async (target: SentCodeFactor) => {
    setError(undefined);
    setSending(true);
    try {
      await apiRequest<void>('/api/auth/one-time-code', {
        method: 'POST',
        body: { challenge, factor: target },
        authenticated: false,
      });
      setSentTo(target);
      codeInput.current?.focus();
    } catch (failure) {
      setError(failure);
    } finally {
      setSending(false);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (factor === undefined) {
      return;
    }
    const trimmed = code.trim();
    if (factor === 'recovery' ? trimmed === '' : !isSixDigitCode(trimmed)) {
      setError(factor === 'recovery' ? t('signIn.recoveryCodeMissing') : t('errors.codeFormat'));
      codeInput.current?.focus();
      return;
    }
    setError(undefined);
    setSubmitting(true);
    try {
      const result = await apiRequest<SignInResult>('/api/auth/second-factor', {
        method: 'POST',
        body: { challenge, factor, code: trimmed },
        authenticated: false,
      });
      onSignedIn(result);
    } catch (failure) {
      if (hasErrorCode(failure, 'SIGN_IN_FAILED')) {
        setFailures((count) => count + 1);
      }
      setError(failure);
      setCode('');
      setSubmitting(false);
      codeInput.current?.focus();
    }
  };

  if (factor === undefined) {
    return (
      <>
        <ErrorMessage error={t('signIn.noFactors')} testId="sign-in-error" />
        <StartOverButton onStartOver={onStartOver} />
      </>
    );
  }

  const exhausted = attemptsLeft <= 0;
  const codeLabel = factor === 'recovery' ? t('signIn.recoveryCode') : t('signIn.code');
  return (
    <form onSubmit={(event) => void submit(event)} noValidate data-testid="sign-in-second-factor">
      {usable.length > 1 && (
        <fieldset className="factor-choice">
          <legend>{t('signIn.factorLegend')}</legend>
          {usable.map((option) => (
            <div key={option} className="radio-field">
              <input
                type="radio"
                id={`${id}-${option}`}
                name="factor"
                value={option}
                data-testid={`sign-in-factor-${option}`}
                checked={factor === option}
                onChange={() => chooseFactor(option)}
              />
              <label htmlFor={`${id}-${option}`}>{t(`factors.${option}`)}</label>
            </div>
          ))}
        </fieldset>
      )}

      <p id={`${id}-instruction`}>{t(`signIn.instructions.${factor}`)}</p>

      {isSentCodeFactor(factor) && (
        <div className="actions send-code">
          <button
            type="button"
            className="secondary"
            data-testid="sign-in-send-code"
            data-sent={sentTo === factor}
            disabled={sending || waiting}
            onClick={() => void sendCode(factor)}
          >
            {sentTo === factor ? t('signIn.resendCode') : t('signIn.sendCode')}
          </button>
          <span role="status" data-testid="sign-in-code-sent">
            {sentTo === factor && t(`signIn.codeSent.${factor}`)}
          </span>
        </div>
      )}

      {factor === 'recovery' ? (
        <div className="field">
          <label htmlFor={`${id}-recovery`}>{codeLabel}</label>
          <input
            id={`${id}-recovery`}
            ref={codeInput}
            data-testid="sign-in-recovery-code"
            autoComplete="off"
            spellCheck={false}
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        </div>
      ) : (
        <CodeField label={codeLabel} value={code} onChange={setCode} testId="sign-in-code" inputRef={codeInput} autoFocus={factor === 'totp'} />
      )}

      <SignInError error={error} />
      {failures > 0 && (
        <p className="hint" data-testid="sign-in-attempts-left" data-attempts-left={attemptsLeft}>
          {exhausted ? t('signIn.attemptsUsedUp') : t('signIn.attemptsLeft', { count: attemptsLeft })}
        </p>
      )}

      <div className="actions">
        <button type="submit" data-testid="sign-in-code-submit" disabled={submitting || waiting || exhausted}>
          {t('signIn.codeSubmit')}
        </button>
        <StartOverButton onStartOver={onStartOver} />
      </div>
    </form>
  );
}

function StartOverButton({ onStartOver }: { onStartOver: () => void }) {
  const { t } = useTranslation();
  return (
    <button type="button" className="link-button" data-testid="sign-in-start-over" onClick={onStartOver}>
      {t('signIn.startOver')}
    </button>
  );
}
