/** Shapes of the tenant API's JSON bodies, as listed in docs/architecture.md. */

export type AccessLevel = 'read' | 'write' | 'admin';

export interface User {
  id: string;
  email: string;
  accessLevel: AccessLevel;
}

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    requestId?: string;
    fields?: { field: string; code: string }[];
  };
}

export interface InvitationInfo {
  email: string;
}

export interface TotpEnrolment {
  totpSecret: string;
  otpauthUrl: string;
  qrCodeDataUrl: string;
}

export interface PasswordChallenge {
  challenge: string;
}

export interface SignInResult {
  accessToken: string;
  /** An ISO 8601 timestamp. Epoch seconds or milliseconds are accepted too. */
  expiresAt: string | number;
  user: User;
}

export interface ModelObject {
  id: string;
  type: string;
  name: string;
  description: string | null;
  attributes: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
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
