import type { MailConfig, SmsConfig } from './platform-config.js';

/** Connection settings for one database role. */
export interface DatabaseLogin {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

/** One ES512 signing key of a tenant, named by its key id. */
export interface SigningKey {
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
  createdAt: string;
}

/**
 * Everything a tenant process needs, in the one file it is given. It is the
 * only place the tenant's database passwords and private key exist in clear text.
 */
export interface TenantSecret {
  tenant: string;
  /** The tenant's public address, used as token issuer and audience and in e-mail links. */
  origin: string;
  database: { owner: DatabaseLogin; app: DatabaseLogin; readOnly: DatabaseLogin };
  /** The current key first; a previous key may follow so that tokens it signed stay valid. */
  signingKeys: SigningKey[];
  mail: MailConfig;
  sms: SmsConfig;
  /** The contact who is invited as the first administrator when the tenant has no users. */
  /**
   * Whom the tenant invites as its first administrator: the contact given at
   * registration. The mobile number, when given, becomes the user's SMS
   * factor. Secrets written before it was added have none.
   */
  firstAdministrator: { email: string; locale: 'en' | 'sv'; mobile?: string };
  /**
   * Whether the tenant is a template, which serves its model to importing
   * tenants that hold a credential from admin. Missing means false. admin
   * rewrites it when the flag changes and restarts a running tenant.
   */
  template?: boolean;
}
