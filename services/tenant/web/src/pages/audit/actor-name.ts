import type { AuditEntry } from '../../api/types';

/** Returns the actor's e-mail address or id, or null for a change without a signed-in user. */
export function actorName(actor: AuditEntry['actor']): string | null {
  if (actor === null || typeof actor === 'string') {
    return actor;
  }
  return actor.email ?? actor.id;
}
