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
