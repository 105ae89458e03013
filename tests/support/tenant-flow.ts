import { authenticator } from 'otplib';
import { gatewayRequest, waitForMail, type TestPlatform } from './platform.js';

export const PASSWORD = 'correct horse battery staple';

/** Registers a tenant through admin with the registration service's credential; returns the deployment token. */
export async function registerTenant(platform: TestPlatform, name: string, email = `owner@${name}.example`): Promise<string> {
  const admin = await platform.admin('registration');
  const response = await admin.request<{ deploymentToken: string }>('POST', '/v1/registrations', {
    organisation: `Organisation ${name}`,
    tenantName: name,
    contactEmail: email,
    contactMobile: '+46 70 123 45 67',
    locale: 'en',
  });
  if (response.status !== 201) throw new Error(`registration of ${name} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.deploymentToken;
}

/** Deploys a registered tenant with its token and waits until the deployment finishes. */
export async function deployTenant(platform: TestPlatform, token: string, timeoutMs = 90_000): Promise<void> {
  const admin = await platform.admin('registration');
  const started = await admin.request<{ deploymentId: string }>('POST', '/v1/deployments', { token });
  if (started.status !== 202) throw new Error(`deployment failed to start: ${started.status} ${JSON.stringify(started.body)}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await admin.request<{ finished: boolean; failed: boolean }>('GET', `/v1/deployments/${started.body.deploymentId}`);
    if (status.body.failed) throw new Error(`deployment failed: ${JSON.stringify(status.body)}`);
    if (status.body.finished) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('deployment did not finish in time');
}

/** A TOTP code for the time step after the current one, which a ±1 step window accepts. */
export function nextTotpCode(secret: string): string {
  return authenticator.clone({ epoch: Date.now() + 30_000 }).generate(secret);
}

/**
 * Accepts the first administrator's invitation from the outbox, sets a
 * password, enrols TOTP and signs in through the gateway. Returns the access token.
 */
export async function signInFirstAdministrator(platform: TestPlatform, name: string, email = `owner@${name}.example`): Promise<string> {
  const totpSecret = await acceptFirstInvitation(platform, name, email);
  return signInWithTotp(platform, name, email, nextTotpCode(totpSecret));
}

/** Accepts the first administrator's invitation from the outbox: sets the password and enrols TOTP. Returns the TOTP secret. */
export async function acceptFirstInvitation(platform: TestPlatform, name: string, email = `owner@${name}.example`): Promise<string> {
  const host = `${name}.${platform.config.baseDomain}`;
  const [, invitation] = await waitForMail(platform, email, /\/invite\/([A-Za-z0-9_-]+)/);
  const json = { 'content-type': 'application/json' };
  const enrolment = await gatewayRequest(platform, host, `/api/invitations/${invitation}/password`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ password: PASSWORD }),
  });
  if (enrolment.status !== 200) throw new Error(`setting the password failed: ${enrolment.status} ${enrolment.body}`);
  const { totpSecret } = enrolment.json<{ totpSecret: string }>();
  const confirmed = await gatewayRequest(platform, host, `/api/invitations/${invitation}/totp`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ code: authenticator.generate(totpSecret) }),
  });
  if (confirmed.status !== 200) throw new Error(`TOTP enrolment failed: ${confirmed.status} ${confirmed.body}`);
  return totpSecret;
}

/** Signs in through the gateway with the password and a TOTP code. Returns the access token. */
export async function signInWithTotp(platform: TestPlatform, name: string, email: string, code: string): Promise<string> {
  const host = `${name}.${platform.config.baseDomain}`;
  const json = { 'content-type': 'application/json' };
  const first = await gatewayRequest(platform, host, '/api/auth/password', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const { challenge } = first.json<{ challenge: string }>();
  const second = await gatewayRequest(platform, host, '/api/auth/second-factor', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ challenge, factor: 'totp', code }),
  });
  if (second.status !== 200) throw new Error(`sign-in failed: ${second.status} ${second.body}`);
  return second.json<{ accessToken: string }>().accessToken;
}
