import { authenticator as sharedAuthenticator } from 'otplib';
import QRCode from 'qrcode';

const STEP_SECONDS = 30;

// A clone, so the window of ±1 step does not change otplib's shared instance.
const authenticator = sharedAuthenticator.clone({ window: 1, step: STEP_SECONDS });

/** The data for adding the account to an authenticator app, shown to the user once. */
export interface TotpEnrolment {
  totpSecret: string;
  otpauthUrl: string;
  qrCodeDataUrl: string;
}

/** Length of a new TOTP secret: 160 bits, the length RFC 4226 (section 4, R6) recommends. otplib's default is 10 bytes. */
const SECRET_BYTES = 20;

/** Creates a new TOTP secret with its otpauth URL (label `ESM (<tenant>):<email>`) and QR code. */
export async function createTotpEnrolment(tenant: string, email: string): Promise<TotpEnrolment> {
  const totpSecret = authenticator.generateSecret(SECRET_BYTES);
  const otpauthUrl = authenticator.keyuri(email, `ESM (${tenant})`, totpSecret);
  const qrCodeDataUrl = await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M' });
  return { totpSecret, otpauthUrl, qrCodeDataUrl };
}

/**
 * Checks a code within ±1 time step and returns the step it belongs to, or
 * null. A step no later than `lastUsedStep` is rejected, so a code seen by
 * someone else cannot be replayed.
 */
export function acceptTotpCode(secret: string, code: string, lastUsedStep: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = authenticator.checkDelta(code, secret);
  if (delta === null) return null;
  const step = Math.floor(Date.now() / 1000 / STEP_SECONDS) + delta;
  if (lastUsedStep !== null && step <= lastUsedStep) return null;
  return step;
}

/** Generates the current code of a secret, for tests and tools that act as an authenticator app. */
export function generateTotpCode(secret: string): string {
  return authenticator.generate(secret);
}
