/**
 * Jest global setup: provisions the Temporal CLI (dev server) and the time-skipping test server
 * once per run (a cache hit after the first time, see scripts/temporal-binaries.ts) and hands their
 * paths to the test files through TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH. Jest's workers
 * inherit this process's environment, so every test file resolves through the 'env' route in
 * milliseconds instead of searching again.
 */
import { resolveTemporalCli, resolveTestServer } from '../scripts/temporal-binaries';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const [cli, testServer] = await Promise.all([resolveTemporalCli(), resolveTestServer()]);
  process.env.TEMPORAL_CLI_PATH = cli.path;
  process.env.TEMPORAL_TEST_SERVER_PATH = testServer.path;
  const seconds = (Date.now() - started) / 1000;
  // Only worth a line when something was installed (a cache hit takes a few milliseconds).
  if (seconds > 1) {
    process.stderr.write(
      `\nTemporal binaries ready in ${seconds.toFixed(1)} s: ${cli.path} (${cli.source}), ${testServer.path} (${testServer.source})\n`,
    );
  }
}
