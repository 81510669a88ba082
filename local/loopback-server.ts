import type { Server } from 'node:http';

/** Listens on 127.0.0.1 only (never another interface); resolves with the port actually bound (0 = any free). */
export async function listenOnLoopback(server: Server, port: number): Promise<number> {
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : port;
}

/** Stops accepting and drops open keep-alive connections, so a stop never hangs. */
export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}
