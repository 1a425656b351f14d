/**
 * Run as a separate process by tests/e2e/temporal-servers.test.ts: starts a dev server, prints its
 * pid as one JSON line and idles, so the test can SIGKILL this process and check that the server
 * does not outlive it.
 */
import { startDevServerOnFreePorts } from '../../scripts/temporal-dev-server';

startDevServerOnFreePorts({ ui: false }).then(
  (server) => {
    process.stdout.write(`${JSON.stringify({ pid: server.pid, address: server.address })}\n`);
    setInterval(() => {}, 60_000);
  },
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
