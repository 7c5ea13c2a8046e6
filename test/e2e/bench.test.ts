/** The fan-out benchmark itself keeps working: a small run loses nothing and repeats at most one message. */
import { describe, expect, it } from 'vitest';
import { runFanout } from '../../bench/fanout/fanout.js';
import { runSlackAnswers } from '../../bench/slackAnswers.js';

describe('npm run bench -- fanout (small)', () => {
  it('delivers to every member once, with injected failures', async () => {
    const result = await runFanout({ members: 300, rate: 1000, failRate: 0.1, crash: false, platform: 'generic' });
    expect(result).toMatchObject({ recipients: 300, sent: 300, lost: 0, duplicates: 0 });
  }, 60_000);

  it('loses nothing when the dispatcher is killed mid-way and restarted', async () => {
    const result = await runFanout({ members: 400, rate: 400, failRate: 0, crash: true, platform: 'slack' });
    expect(result.lost).toBe(0);
    expect(result.duplicates).toBeLessThanOrEqual(1);
  }, 60_000);
});

describe('npm run bench -- slack-answers (small)', () => {
  it('acknowledges every signed click and reports the figures', async () => {
    const result = await runSlackAnswers({ clicks: 100, rate: 100 });
    expect(result.rate).toBe(100);
    expect(result.p99Ms).toBeGreaterThan(0);
    expect(result.throughputRatio).toBeGreaterThan(0.5);
  }, 60_000);
});
