/**
 * Small TCP helpers shared by the Temporal binary provisioning and the dev-server launcher.
 * Everything here binds and connects to 127.0.0.1 only (servers we start never listen elsewhere).
 */
import * as net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/**
 * A port that was free a moment ago: the OS picks one for a throw-away listener, which we close.
 * Another process could take it before our server binds it; callers that start servers retry
 * on "address in use" rather than trusting this blindly.
 */
export function findFreePort(host: string = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a throw-away listener'));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** One connection attempt; true when something accepted it. */
export function canConnect(port: number, host: string = LOOPBACK, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
