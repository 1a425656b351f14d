/**
 * The one follow-up loop every waiting stage uses (workflows/follow-ups.ts), on a fake
 * clock: which day each reminder, escalation, interruption or cancellation happens.
 */
import { followUpUntilDone, type FollowUps } from '../../workflows/follow-ups';

const day = 86_400_000;
const start = Date.parse('2026-03-02T00:00:00Z');
let now = start;
const dayNumber = () => (now - start) / day;

beforeEach(() => {
  now = start;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterEach(() => jest.restoreAllMocks());

class WindowClosed extends Error {}

/** Runs the loop until `doneOnDay` (or the window closes) and writes down what happened on which day. */
async function follow(options: Omit<FollowUps, 'done' | 'remind' | 'escalate'>, doneOnDay = Infinity) {
  const happened: string[] = [];
  const done = () => dayNumber() >= doneOnDay;
  const wait = async (isDone: () => boolean, timeoutMs: number) => {
    now = Math.min(now + timeoutMs, start + doneOnDay * day);
    return isDone();
  };
  try {
    await followUpUntilDone(
      {
        ...options,
        done,
        remind: async (count) => void happened.push(`day ${dayNumber()}: reminder ${count}`),
        escalate: async () => void happened.push(`day ${dayNumber()}: escalation`),
      },
      wait,
    );
    happened.push(`day ${dayNumber()}: done`);
  } catch (error) {
    if (!(error instanceof WindowClosed)) throw error;
    happened.push(`day ${dayNumber()}: window closed`);
  }
  return happened;
}

const closeWindow = (): never => {
  throw new WindowClosed();
};

describe('the follow-up loop', () => {
  test('documents: a reminder every 3 days, the escalation on day 14 on a timer of its own, cancelled on day 60', async () => {
    const happened = await follow({ every: 3 * day, escalateAfter: 14 * day, autoCancel: { after: 60 * day, windowClosed: closeWindow } });
    expect(happened.slice(0, 7)).toEqual([
      'day 3: reminder 1',
      'day 6: reminder 2',
      'day 9: reminder 3',
      'day 12: reminder 4',
      'day 14: escalation',
      'day 17: reminder 5',
      'day 20: reminder 6',
    ]);
    expect(happened.slice(-2)).toEqual(['day 59: reminder 19', 'day 60: window closed']);
  });

  test('delivery orders from before the on-time patch: the escalation waits for the first reminder due after 14 days (day 15), and there is no cancellation', async () => {
    const happened = await follow({ every: 3 * day, escalateAfter: 14 * day, escalateAtReminder: () => true }, 22);
    expect(happened).toEqual([
      'day 3: reminder 1',
      'day 6: reminder 2',
      'day 9: reminder 3',
      'day 12: reminder 4',
      'day 15: escalation',
      'day 18: reminder 5',
      'day 21: reminder 6',
      'day 22: done',
    ]);
  });

  test('done before the first reminder: nothing is sent', async () => {
    expect(await follow({ every: 3 * day, escalateAfter: 14 * day }, 2)).toEqual(['day 2: done']);
  });

  test('an interruption day cuts the cadence short and replaces that round’s reminder', async () => {
    let lapsesOn: string | undefined = '2026-03-06'; // day 4
    const happened = await follow(
      {
        every: 3 * day,
        escalateAfter: 14 * day,
        escalateAtReminder: () => true,
        interrupt: {
          on: () => lapsesOn,
          reached: async () => {
            lapsesOn = undefined;
          },
        },
      },
      8,
    );
    expect(happened).toEqual(['day 3: reminder 1', 'day 7: reminder 2', 'day 8: done']);
  });
});
