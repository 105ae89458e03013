/** Shapes of the tenant API's JSON bodies, as listed in docs/architecture.md. */

export type AccessLevel = 'read' | 'write' | 'admin';

export const ACCESS_LEVELS: readonly AccessLevel[] = ['read', 'write', 'admin'];

/** A second factor: authenticator app, a one-time code by SMS or e-mail, or a recovery code. */
export type Factor = 'totp' | 'sms' | 'email' | 'recovery';

/** The factors that send a one-time code, with POST /api/auth/one-time-code, before the user can type it. */
export type SentCodeFactor = Extract<Factor, 'sms' | 'email'>;

/** A language the user can choose for the client and for e-mails. */
export type Locale = 'sv' | 'en';

/** The signed-in user as sign-in and refresh return it. */
export interface User {
  id: string;
  email: string;
  accessLevel: AccessLevel;
  /** Missing from servers older than the sessions contract. */
  locale?: Locale;
}

/** GET /api/me: the signed-in user's own account. */
export interface Account {
  id: string;
  email: string;
  mobile: string | null;
  accessLevel: AccessLevel;
  locale: Locale;
  factors: Factor[];
  preferredFactor: Factor | null;
  recoveryCodesLeft: number;
}

/** One user in GET /api/users. */
export interface UserSummary {
  id: string;
  email: string;
  mobile: string | null;
  accessLevel: AccessLevel;
  /** 'pending' until the invitation is accepted. Other values are shown as sent. */
  status: 'active' | 'deactivated' | 'pending' | (string & {});
  factors: Factor[];
  /** ISO 8601 timestamp, or null when sign-in is not locked. */
  lockedUntil: string | null;
  createdAt: string;
}

export interface ApiErrorBody {
  /** Some errors carry more fields, such as the current object of OBJECT_VERSION_CONFLICT. */
  error: {
    code: string;
    message: string;
    requestId?: string;
    fields?: { field: string; code: string; message?: string }[];
  } & Record<string, unknown>;
}

export interface InvitationInfo {
  email: string;
}

export interface TotpEnrolment {
  totpSecret: string;
  otpauthUrl: string;
  qrCodeDataUrl: string;
}

/** POST /api/auth/password: the challenge for the second step. */
export interface PasswordChallenge {
  challenge: string;
  /** The second factors this user can use now. */
  factors: Factor[];
  /** True after an administrator reset the user's factor: the user enrols a new authenticator app instead. */
  enrolmentRequired: boolean;
}

/** Result of the second sign-in step, of enrolment and of POST /api/auth/refresh. */
export interface SignInResult {
  accessToken: string;
  /** An ISO 8601 timestamp. Epoch seconds or milliseconds are accepted too. */
  expiresAt: string | number;
  user: User;
}

/** Result of confirming a new authenticator app: after a factor reset, a session and the new recovery codes. */
export interface EnrolmentResult extends SignInResult {
  recoveryCodes: string[];
}

/** POST /api/invitations/:token/totp: the account is active. */
export interface InvitationAccepted {
  email: string;
  recoveryCodes: string[];
}

export interface ModelObject {
  id: string;
  type: string;
  name: string;
  description: string | null;
  attributes: Record<string, unknown>;
  /** An identifier from another system, which imports match on. Missing from servers before the meta-model. */
  externalId?: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The details of a 409 OBJECT_VERSION_CONFLICT, in `ApiError.details`. */
export interface ObjectVersionConflict {
  /** The object as it is now. */
  current: ModelObject;
  /** The object at the version the change was based on, or null when the server has no record of it. */
  base: ModelObject | null;
  /** The fields someone else changed, such as `name` or `attributes.owner`. */
  differingFields: string[];
}

/** One object type of GET /api/meta-model, with the fields the object pages read. */
export interface ObjectTypeSummary {
  key: string;
  nameSv: string;
  nameEn: string;
  /** Objects of the roles `requirement_set` and `requirement` are created through requirement sets only. */
  role: string;
}

/** GET /api/meta-model, with the parts the object pages read. */
export interface MetaModelSummary {
  objectTypes: ObjectTypeSummary[];
}

export interface RelationEnd {
  id: string;
  name: string;
  type: string;
}

export interface Relation {
  id: string;
  type: string;
  name: string | null;
  sourceId: string;
  targetId: string;
  source: RelationEnd;
  target: RelationEnd;
}

export interface ObjectWithRelations extends ModelObject {
  relations: { outgoing: Relation[]; incoming: Relation[] };
}

export interface ObjectPage {
  objects: ModelObject[];
  /** Cursor for the `after` parameter of the next page, or null on the last page. */
  next: string | null;
}

export interface ObjectTypeCount {
  type: string;
  count: number;
}

export interface Stats {
  objects: number;
  relations: number;
}

export interface AuditEntry {
  id: string | number;
  at: string;
  /** The signed-in user who made the change. Both fields are null for changes the tenant made itself. */
  actor: { id: string | null; email: string | null } | string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  summary: string;
  before: unknown;
  after: unknown;
}

/** One line of the NDJSON stream that POST /api/imports/archimate returns. */
export type ImportEvent =
  | { phase: 'finished'; objects: number; relations: number }
  | { phase: 'failed'; error: { code: string; message: string } }
  | { phase: string; done: number; total: number };
