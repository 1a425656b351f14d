/**
 * Replay: histories recorded from real runs (tests/fixtures/histories, written by
 * scripts/record-histories.ts) must replay against the current workflow code. A change
 * that alters the commands of a running order, claim or mailbox workflow fails here; the
 * fix is `patched()` around the change, not a new recording (see the script's header).
 */
import Long from 'long';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { readRecordedHistories, scenarios, historyFromJson, historyToJson } from '../../scripts/record-histories';
import { testDataConverter } from '../support/codec';
import { quietTemporalRuntime } from '../support/temporal';

jest.setTimeout(120_000);

const recordings = readRecordedHistories();
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  quietTemporalRuntime();
  bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: {
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (message) => process.stderr.write(`${message}\n`),
      log: () => undefined,
    },
  });
});

const replay = (history: (typeof recordings)[number]['history'], workflowId: string) =>
  // Recordings made since payloads are encrypted hold ciphertext of the suite's test key; older ones plain JSON (passed through).
  Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: testDataConverter, replayName: 'replay-test' }, history, workflowId);

test('the recordings cover every scenario of the script and all three workflow types', () => {
  const orderScenarios = recordings.filter(({ recorded }) => recorded.workflowType === 'dmeOrderWorkflow').map(({ recorded }) => recorded.scenario);
  expect(orderScenarios.sort()).toEqual(scenarios.map((scenario) => scenario.name).sort());
  expect(new Set(recordings.map(({ recorded }) => recorded.workflowType))).toEqual(
    new Set(['dmeOrderWorkflow', 'claimWorkflow', 'clearinghouseMailboxWorkflow', 'resupplyPlanWorkflow']),
  );
});

test.each(recordings.map(({ file, recorded, history }) => [file, recorded.workflowId, history] as const))(
  '%s replays against the current workflow code',
  async (_file, workflowId, history) => {
    await expect(replay(history, workflowId)).resolves.toBeUndefined();
  },
);

describe('the replay would notice a change', () => {
  const { recorded, history } = recordings.find(({ file }) => file === 'purchase-closed.dmeOrderWorkflow.json')!;

  test('the fixture format round-trips: JSON → History → JSON', () => {
    expect(historyToJson(history)).toEqual(recorded.history);
  });

  test('a history whose recorded command differs from what the code does now fails with a determinism violation', async () => {
    const tampered = historyFromJson(structuredClone(recorded.history));
    const scheduled = tampered.events!.find((event) => event.activityTaskScheduledEventAttributes)!;
    const original = scheduled.activityTaskScheduledEventAttributes!.activityType!.name;
    scheduled.activityTaskScheduledEventAttributes!.activityType!.name = `${original}Renamed`;
    await expect(replay(tampered, recorded.workflowId)).rejects.toMatchObject({
      name: 'DeterminismViolationError',
      message: expect.stringMatching(/nondetermin/i),
    });
  });

  test('a history the code never wrote (a timer where it scheduled an activity) fails too', async () => {
    const tampered = historyFromJson(structuredClone(recorded.history));
    const index = tampered.events!.findIndex((event) => event.activityTaskScheduledEventAttributes);
    const event = tampered.events![index];
    tampered.events![index] = {
      eventId: event.eventId,
      eventTime: event.eventTime,
      eventType: 17, // EVENT_TYPE_TIMER_STARTED
      timerStartedEventAttributes: {
        timerId: 'not-from-this-code',
        startToFireTimeout: { seconds: Long.fromNumber(60) },
        workflowTaskCompletedEventId: event.activityTaskScheduledEventAttributes!.workflowTaskCompletedEventId,
      },
    };
    await expect(replay(tampered, recorded.workflowId)).rejects.toMatchObject({ name: 'DeterminismViolationError' });
  });
});
