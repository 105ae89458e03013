import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { authenticator } from 'otplib';
import type { Page } from 'playwright-core';
import { readOutbox, type TestPlatform } from '../support/platform.js';
import { PASSWORD } from '../support/tenant-flow.js';

const require = createRequire(import.meta.url);

/** What a user keeps after accepting an invitation in the browser. */
export interface EnrolledUser {
  totpSecret: string;
  recoveryCodes: string[];
}

/**
 * Accepts an invitation in the browser: sets the password, enrols the
 * authenticator with a code for the current time step, reads the recovery
 * codes and confirms that they are saved.
 */
export async function acceptInvitation(page: Page, invitationUrl: string): Promise<EnrolledUser> {
  await page.goto(invitationUrl);
  await page.getByTestId('invite-password').fill(PASSWORD);
  await page.getByTestId('invite-password-confirm').fill(PASSWORD);
  await page.getByTestId('invite-password-submit').click();
  const totpSecret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
  await page.getByTestId('invite-totp-code').fill(authenticator.generate(totpSecret));
  await page.getByTestId('invite-totp-submit').click();

  await page.getByTestId('recovery-codes').waitFor();
  const recoveryCodes = (await page.getByTestId('recovery-code').allTextContents()).map((code) => code.trim());
  await page.getByTestId('recovery-codes-saved').check();
  await page.getByTestId('recovery-codes-continue').click();
  await page.getByTestId('invite-success').waitFor();
  return { totpSecret, recoveryCodes };
}

/** Opens the sign-in page and submits the e-mail address and password. */
export async function enterPassword(page: Page, origin: string, email: string): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await page.getByTestId('sign-in-email').fill(email);
  await page.getByTestId('sign-in-password').fill(PASSWORD);
  await page.getByTestId('sign-in-submit').click();
}

/**
 * Waits for the second-factor step and picks a factor on it. The choice is
 * only shown when the user has more than one factor.
 */
export async function chooseFactor(page: Page, factor: 'totp' | 'sms' | 'email' | 'recovery'): Promise<void> {
  await page.getByTestId('sign-in-second-factor').waitFor();
  const option = page.getByTestId(`sign-in-factor-${factor}`);
  if ((await option.count()) > 0) {
    await option.check();
  }
}

/** Returns the names of the .eml files now in the outbox, so that later messages can be told apart. */
export async function outboxFiles(platform: TestPlatform): Promise<Set<string>> {
  return new Set((await readOutbox(platform)).map((message) => message.file));
}

/** Waits for a message to `recipient` that is not in `before` and matches `pattern`, and returns the match. */
export async function waitForNewMail(
  platform: TestPlatform,
  recipient: string,
  before: Set<string>,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const message of await readOutbox(platform)) {
      const match = !before.has(message.file) && message.to.includes(recipient) ? message.text.match(pattern) : null;
      if (match) return match;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no new e-mail to ${recipient} matching ${pattern} within ${timeoutMs} ms`);
}

/** One rule that axe-core found broken, with the elements that break it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe-core's WCAG 2 A and AA rules on the page and returns what they find. */
export async function findAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol rather than added as a <script>, because the page's Content Security Policy blocks inline scripts.
  await page.evaluate(await readFile(require.resolve('axe-core/axe.min.js'), 'utf8'));
  // The callback runs in the browser, and the test's TypeScript setup has no DOM types, so the globals are typed here.
  return page.evaluate(async () => {
    type AxeResult = { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] };
    const browserGlobals = globalThis as unknown as { axe: { run: (context: unknown, options: object) => Promise<AxeResult> }; document: unknown };
    const result = await browserGlobals.axe.run(browserGlobals.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
}
