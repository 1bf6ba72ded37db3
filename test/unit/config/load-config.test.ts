import { describe, expect, it } from 'vitest';
import { InvalidConfigError, loadConfig } from '../../../src/lib/config/load-config.ts';

describe('loadConfig: RUNBOOK_LIVE_SCHEDULES', () => {
  it('runs schedules unless told off; an empty value means unset', () => {
    expect(loadConfig({}, '/srv').runSchedules).toBe(true);
    expect(loadConfig({ RUNBOOK_LIVE_SCHEDULES: '' }, '/srv').runSchedules).toBe(true);
    expect(loadConfig({ RUNBOOK_LIVE_SCHEDULES: 'on' }, '/srv').runSchedules).toBe(true);
    expect(loadConfig({ RUNBOOK_LIVE_SCHEDULES: 'off' }, '/srv').runSchedules).toBe(false);
  });

  it('names the variable and the values it takes', () => {
    expect(() => loadConfig({ RUNBOOK_LIVE_SCHEDULES: 'no' }, '/srv')).toThrow(InvalidConfigError);
    expect(() => loadConfig({ RUNBOOK_LIVE_SCHEDULES: 'no' }, '/srv')).toThrow("RUNBOOK_LIVE_SCHEDULES: must be 'on' or 'off' ('off' runs no scheduled checks or runbooks)");
  });
});
