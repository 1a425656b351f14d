/**
 * The worker's cache size (TEMPORAL_MAX_CACHED_WORKFLOWS): unset or empty leaves the SDK's
 * default; a bad value is refused naming the variable and the rule.
 */
import { ConfigError, loadConfig } from '../../config';

test.each([
  [undefined, undefined],
  ['', undefined],
  ['  ', undefined],
  ['0', 0],
  ['2000', 2000],
  ['100000', 100_000],
])('TEMPORAL_MAX_CACHED_WORKFLOWS=%p reads as %p', (value, expected) => {
  const env = value === undefined ? {} : { TEMPORAL_MAX_CACHED_WORKFLOWS: value };
  expect(loadConfig(env).TEMPORAL_MAX_CACHED_WORKFLOWS).toBe(expected);
});

test.each(['many', '-1', '1.5', '100001'])('TEMPORAL_MAX_CACHED_WORKFLOWS=%p is refused with the rule', (value) => {
  expect(() => loadConfig({ TEMPORAL_MAX_CACHED_WORKFLOWS: value })).toThrow(ConfigError);
  expect(() => loadConfig({ TEMPORAL_MAX_CACHED_WORKFLOWS: value })).toThrow(
    'TEMPORAL_MAX_CACHED_WORKFLOWS: must be a whole number from 0 to 100000',
  );
});

/** The web app's session lifetime and the Web UI its pages link to (api/web/routes.ts webSettings). */
test('WEB_SESSION_IDLE and WEB_SESSION_MAX default to 30 minutes and 12 hours and take the duration forms', () => {
  expect(loadConfig({})).toMatchObject({ WEB_SESSION_IDLE: 30 * 60_000, WEB_SESSION_MAX: 12 * 3_600_000 });
  expect(loadConfig({}).TEMPORAL_UI_URL).toBeUndefined();
  expect(loadConfig({ TEMPORAL_UI_URL: 'https://temporal.example:8443' }).TEMPORAL_UI_URL).toBe('https://temporal.example:8443');
  expect(loadConfig({ WEB_SESSION_IDLE: '15m', WEB_SESSION_MAX: '8h' })).toMatchObject({
    WEB_SESSION_IDLE: 15 * 60_000,
    WEB_SESSION_MAX: 8 * 3_600_000,
  });
  expect(() => loadConfig({ WEB_SESSION_IDLE: 'half an hour' })).toThrow('WEB_SESSION_IDLE: must be a number followed by s, m, h or d');
});

test.each(['127.0.0.1:8080', 'http://127.0.0.1:8080/', 'ftp://ui'])('TEMPORAL_UI_URL=%p is refused with the rule', (value) => {
  expect(() => loadConfig({ TEMPORAL_UI_URL: value })).toThrow('TEMPORAL_UI_URL: must be an http(s) URL without a trailing slash');
});

/** Patient outreach (activities/messaging): live needs one channel in full, and no config error prints a secret. */
describe('MESSAGING and its channels', () => {
  const smsChannel = { SMS_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef', SMS_AUTH_TOKEN: 'tok-Zq81LmPw0sXv', SMS_FROM: '+16145550100' };
  const emailChannel = { SMTP_URL: 'smtps://mailer:Pw-Kd93nXq7@smtp.example:465', EMAIL_FROM: 'Durable DME <outreach@dme.example>' };
  const secrets = ['tok-Zq81LmPw0sXv', 'Pw-Kd93nXq7'];

  function problemsOf(env: Record<string, string>): string {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      for (const secret of secrets) expect(message).not.toContain(secret);
      return message;
    }
    throw new Error('the configuration was accepted');
  }

  test('the sandbox by default, with the Twilio API as the SMS gateway; a half-set channel does not matter there', () => {
    expect(loadConfig({})).toMatchObject({ MESSAGING: 'sandbox', SMS_API_URL: 'https://api.twilio.com' });
    expect(loadConfig({ SMS_ACCOUNT_SID: smsChannel.SMS_ACCOUNT_SID }).MESSAGING).toBe('sandbox');
  });

  test.each([
    ['the SMS channel', smsChannel],
    ['the email channel', emailChannel],
    ['both channels', { ...smsChannel, ...emailChannel }],
  ])('live with %s set in full is accepted', (_name, channels) => {
    expect(loadConfig({ MESSAGING: 'live', ...channels })).toMatchObject({ MESSAGING: 'live', ...channels });
  });

  test('live without a channel is refused naming every variable either channel needs', () => {
    expect(problemsOf({ MESSAGING: 'live' })).toContain(
      'MESSAGING: live needs a channel configured in full: set SMS_ACCOUNT_SID, SMS_AUTH_TOKEN, SMS_FROM for SMS, or set SMTP_URL, EMAIL_FROM for email',
    );
  });

  test('live with a channel set by half is refused naming what it lacks, even beside a full one', () => {
    const { SMS_FROM: _from, ...smsWithoutFrom } = smsChannel;
    expect(problemsOf({ MESSAGING: 'live', ...smsWithoutFrom })).toContain('SMS_FROM: SMS_ACCOUNT_SID, SMS_AUTH_TOKEN set but not SMS_FROM');
    expect(problemsOf({ MESSAGING: 'live', ...smsChannel, SMTP_URL: emailChannel.SMTP_URL })).toContain(
      'EMAIL_FROM: SMTP_URL set but not EMAIL_FROM: the email channel needs all of them',
    );
  });

  test.each([
    ['MESSAGING', 'twilio', 'must be sandbox or live'],
    ['SMS_API_URL', 'api.twilio.com', 'must be an http(s) URL'],
    ['SMS_FROM', '614-555-0100', 'must be an E.164 number'],
    ['SMTP_URL', 'https://mailer:Pw-Kd93nXq7@smtp.example', 'must be an smtp:// or smtps:// URL'],
    ['EMAIL_FROM', 'outreach', 'must be an address'],
  ])('%s=%p is refused with the rule, and no secret in the message', (name, value, rule) => {
    expect(problemsOf({ ...smsChannel, ...emailChannel, MESSAGING: 'live', [name]: value })).toContain(`${name}: ${rule}`);
  });
});
