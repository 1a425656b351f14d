/**
 * bench:api's load generator, in its own process so it does not share the API's event
 * loop: receives a plan over IPC, sends requests at a fixed rate, answers the latencies.
 *
 * Open loop and evenly paced: request i leaves at start + i / rate whatever the answers
 * before it, and its latency counts from that planned instant, so a slow answer is never
 * hidden by the requests it held back (no coordinated omission). autocannon was tried
 * first: its rate limiter releases each second's quota at once, so it measured a burst of
 * 200 every second rather than 200 requests a second.
 */
import { Agent, request } from 'node:http';

export interface LoadPlan {
  kind: 'reads' | 'writes';
  url: string;
  rate: number;
  seconds: number;
  key: string;
  /** reads: the order ids to read in turn; writes: the order bodies to post in turn. */
  items: unknown[];
}

export interface LoadResult {
  sent: number;
  /** Milliseconds, sorted. */
  latencies: number[];
  errors: { connection: number; timeouts: number; non2xx: number };
  statuses: Record<string, number>;
}

const timeoutMs = 10_000;

function send(plan: LoadPlan, agent: Agent, index: number): Promise<number | 'timeout' | 'connection'> {
  const item = plan.items[index % plan.items.length];
  // Every fourth read is a work list; the others one order's page.
  const path = plan.kind === 'writes' ? '/orders' : index % 4 === 3 ? '/orders?stage=documentation&limit=50' : `/orders/${String(item)}`;
  const body = plan.kind === 'writes' ? JSON.stringify(item) : undefined;
  return new Promise((resolve) => {
    const outgoing = request(
      `${plan.url}${path}`,
      {
        method: plan.kind === 'writes' ? 'POST' : 'GET',
        agent,
        timeout: timeoutMs,
        headers: {
          authorization: `Bearer ${plan.key}`,
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
        response.once('error', () => resolve('connection'));
      },
    );
    outgoing.once('timeout', () => {
      outgoing.destroy();
      resolve('timeout');
    });
    outgoing.once('error', () => resolve('connection'));
    outgoing.end(body);
  });
}

async function run(plan: LoadPlan): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const total = Math.round(plan.rate * plan.seconds);
  const interval = 1000 / plan.rate;
  const latencies: number[] = [];
  const errors = { connection: 0, timeouts: 0, non2xx: 0 };
  const statuses: Record<string, number> = {};
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let index = 0; index < total; index += 1) {
    const planned = start + index * interval;
    const wait = planned - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      send(plan, agent, index).then((outcome) => {
        if (outcome === 'timeout') errors.timeouts += 1;
        else if (outcome === 'connection') errors.connection += 1;
        else {
          statuses[outcome] = (statuses[outcome] ?? 0) + 1;
          if (outcome < 200 || outcome >= 300) errors.non2xx += 1;
          latencies.push(performance.now() - planned);
        }
      }),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { sent: total, latencies: latencies.sort((a, b) => a - b), errors, statuses };
}

process.once('message', (plan: LoadPlan) => {
  run(plan).then(
    (result) => process.send!(result, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
