/**
 * The one logger: fields that would carry PHI are redacted by name, names of code
 * (errorName, namespace) are not, and an error shows its message only when it is one of
 * our PHI-free ApplicationFailures. The SDK's runtime lines go through the same rules.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createLogger, sdkLogger } from '../../logger';

function logged(fields: Record<string, unknown>, level: 'debug' | 'info' = 'info'): Record<string, unknown> {
  const lines: string[] = [];
  createLogger(level, {}, (line) => lines.push(line)).info('event', fields);
  return JSON.parse(lines[0]);
}

test.each([
  ['firstName', 'Pat', '[redacted]'],
  ['patientName', 'Pat Testcase', '[redacted]'],
  ['birthDate', '1950-04-01', '[redacted]'],
  ['memberId', '1EG4TE5MK73', '[redacted]'],
  ['addressLine1', '1 Elm St', '[redacted]'],
  ['signedBy', 'Pat Testcase', '[redacted]'],
  ['errorName', 'DrizzleQueryError', 'DrizzleQueryError'],
  ['namespace', 'default', 'default'],
  ['orderId', 'order-1', 'order-1'],
])('%s: %s is logged as %s', (key, value, expected) => {
  expect(logged({ [key]: value })[key]).toBe(expected);
});

test('an error shows its class and code; its message only when it is an ApplicationFailure', () => {
  const database = Object.assign(new Error('Failed query: insert … params: PAT,TESTCASE,19500401'), { code: '22003' });
  const failure = ApplicationFailure.create({ type: 'DB_NUMERIC_OUT_OF_RANGE', message: 'SQLSTATE 22003' });
  expect(logged({ error: database, failure })).toMatchObject({
    error: { name: 'Error', code: '22003', message: '[withheld]' },
    failure: { name: 'ApplicationFailure', type: 'DB_NUMERIC_OUT_OF_RANGE', message: 'SQLSTATE 22003' },
  });
});

test("the SDK's lines pass the same redaction; its INFO chatter prints at our debug", () => {
  const lines: string[] = [];
  const sdk = sdkLogger(createLogger('info', {}, (line) => lines.push(line)));
  sdk.info('Worker state changed', { state: 'RUNNING' });
  sdk.warn('Activity failed', { error: new Error('quoted PAT TESTCASE'), activityType: 'prepareClaim' });
  expect(lines.map((line) => JSON.parse(line))).toEqual([
    expect.objectContaining({
      level: 'warn',
      message: 'Activity failed',
      activityType: 'prepareClaim',
      error: { name: 'Error', message: '[withheld]' },
    }),
  ]);
});
