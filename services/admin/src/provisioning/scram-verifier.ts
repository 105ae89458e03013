import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

const ITERATIONS = 4096;

/**
 * Computes a PostgreSQL SCRAM-SHA-256 password verifier (RFC 5802, RFC 7677),
 * so that `CREATE ROLE … PASSWORD` sends the verifier and the clear-text
 * password never reaches the server, where statement logging could record it.
 * Written by hand because the node-postgres client computes only the client
 * side of the exchange and exposes no verifier function.
 *
 * The passwords passed here are base64url strings, which SASLprep leaves
 * unchanged, so no normalisation step is needed.
 */
export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16)): string {
  const saltedPassword = pbkdf2Sync(password, salt, ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', saltedPassword).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', saltedPassword).update('Server Key').digest();
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
