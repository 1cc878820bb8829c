import { describe, expect, it } from 'vitest';
import { MissingCapabilityError, isRequired, requiredCapabilities, skipReason } from './capabilities';

describe('test capabilities and KASSA_REQUIRE', () => {
  it('reads the required capabilities from a comma- or space-separated list', () => {
    expect([...requiredCapabilities({ KASSA_REQUIRE: 'postgres, netns powerfs' })]).toEqual(['postgres', 'netns', 'powerfs']);
    expect(requiredCapabilities({}).size).toBe(0);
    expect(isRequired('netns', { KASSA_REQUIRE: 'all' })).toBe(true);
    expect(isRequired('electron', { KASSA_REQUIRE: 'postgres' })).toBe(false);
  });

  it('runs a test whose capability is there, skips with the reason when it is not, and fails when KASSA_REQUIRE names it', () => {
    expect(skipReason('postgres', { ok: true }, { KASSA_REQUIRE: 'postgres' })).toBeNull();
    expect(skipReason('netns', { ok: false, reason: 'ip is missing' }, {})).toMatch(/netns is not available here: ip is missing/);
    expect(() => skipReason('netns', { ok: false, reason: 'ip is missing' }, { KASSA_REQUIRE: 'postgres,netns' })).toThrow(MissingCapabilityError);
    expect(() => skipReason('netns', { ok: false, reason: 'ip is missing' }, { KASSA_REQUIRE: 'netns' })).toThrow(/KASSA_REQUIRE names "netns".*ip is missing/);
  });
});
