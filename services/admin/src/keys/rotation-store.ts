import type { Actor } from '../registry/tenant-store.js';
import type { Queryable } from '../registry/transaction.js';

/** One recorded rotation of a tenant's signing key: key ids only, never a key. */
export interface KeyRotationRecord {
  /** The new current key. */
  kid: string;
  /** The key that was current before and stays valid for verification. */
  previousKid: string;
  /** The keys removed from the secret, whose tokens are no longer accepted. */
  retiredKids: string[];
  actor: Actor;
  rotatedAt: Date;
}

/** Records a rotation and returns it with the time the registry gave it. */
export async function insertKeyRotation(
  db: Queryable,
  tenant: string,
  rotation: Omit<KeyRotationRecord, 'rotatedAt'>,
): Promise<KeyRotationRecord> {
  const result = await db.query<{ rotatedAt: Date }>(
    `INSERT INTO signing_key_rotations (tenant, kid, previous_kid, retired_kids, actor)
     VALUES ($1, $2, $3, $4, $5) RETURNING rotated_at AS "rotatedAt"`,
    [tenant, rotation.kid, rotation.previousKid, rotation.retiredKids, rotation.actor],
  );
  return { ...rotation, rotatedAt: result.rows[0]!.rotatedAt };
}

/** Returns a tenant's rotations, oldest first. */
export async function listKeyRotations(db: Queryable, tenant: string): Promise<KeyRotationRecord[]> {
  const result = await db.query<KeyRotationRecord>(
    `SELECT kid, previous_kid AS "previousKid", retired_kids AS "retiredKids", actor, rotated_at AS "rotatedAt"
       FROM signing_key_rotations WHERE tenant = $1 ORDER BY id`,
    [tenant],
  );
  return result.rows;
}
