import net from 'node:net';

/**
 * Returns the first port in the inclusive range that no other tenant uses
 * and that can be bound on the host right now. Binding first catches ports
 * taken by processes outside admin's knowledge.
 */
export async function allocatePort(host: string, range: [number, number], inUse: ReadonlySet<number>): Promise<number> {
  const [first, last] = range;
  for (let port = first; port <= last; port++) {
    if (inUse.has(port)) continue;
    if (await canBind(host, port)) return port;
  }
  throw new Error(`no free tenant port in ${first}-${last}`);
}

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
