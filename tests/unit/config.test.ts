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
