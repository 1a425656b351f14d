/**
 * Healthcheck of the worker container (docker-compose.yml): healthy when the Temporal
 * server saw a poller from this host on the task queue within the last 90 seconds — a
 * worker that is up but not polling (lost connection, stuck start) is unhealthy.
 *
 * The SDK names a worker `<pid>@<hostname>`, and a container's hostname is its own, so a
 * poller identity ending in `@<our hostname>` is this container's worker. Plain JavaScript:
 * it runs in the runtime image beside dist/, without the compiler.
 *
 * Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE (the worker's).
 * Exit 0 healthy, 1 not (with the reason on stderr).
 */
'use strict';
const os = require('node:os');
const { Connection } = require('@temporalio/client');

const address = process.env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
const taskQueue = process.env.TEMPORAL_TASK_QUEUE || 'dme-orders';
const host = process.env.WORKER_HEALTHCHECK_HOSTNAME || os.hostname();
const freshMs = 90_000;
// TaskQueueType: 1 workflow, 2 activity.
const queueTypes = [1, 2];

async function main() {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  try {
    const now = Date.now();
    for (const taskQueueType of queueTypes) {
      const { pollers } = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType });
      const ours = (pollers || []).filter((poller) => (poller.identity || '').endsWith(`@${host}`));
      const fresh = ours.some((poller) => now - timestampMs(poller.lastAccessTime) < freshMs);
      if (!fresh) {
        return `no ${taskQueueType === 1 ? 'workflow' : 'activity'} poller from ${host} on task queue ${taskQueue} in the last ${freshMs / 1000} s`;
      }
    }
    return undefined;
  } finally {
    await connection.close();
  }
}

function timestampMs(timestamp) {
  if (!timestamp) return 0;
  return Number(timestamp.seconds || 0) * 1000 + Math.floor((timestamp.nanos || 0) / 1e6);
}

const timer = setTimeout(() => {
  process.stderr.write(`no answer from Temporal at ${address} within 10 s\n`);
  process.exit(1);
}, 10_000);
main().then(
  (problem) => {
    clearTimeout(timer);
    if (problem) process.stderr.write(`${problem}\n`);
    process.exit(problem ? 1 : 0);
  },
  (error) => {
    clearTimeout(timer);
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
