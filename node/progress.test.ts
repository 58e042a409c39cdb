// The duration formatter of progress bars and lines, at the edges where rounding carries into the
// next unit (cli-progress's own formatter printed 179.6 s as "2m60s").
import { formatDuration } from './progress.ts';

describe('formatDuration', () => {
  it.each([
    [0, '0s'], [0.49, '0s'], [0.5, '1s'], [59.49, '59s'],
    [59.5, '1m00s'], [60, '1m00s'], [119.5, '2m00s'], [179.6, '3m00s'], [3599.49, '59m59s'],
    [3599.5, '1h00m'], [3629.99, '1h00m'], [3630, '1h01m'], [7169.99, '1h59m'], [7170, '2h00m'], [36000, '10h00m'],
  ])('%p s is %p', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('never gives 60 seconds or 60 minutes', () => {
    const texts = Array.from({ length: 3 * 3600 * 10 }, (_, tenths) => formatDuration(tenths / 10));
    expect(texts.filter((text) => /(^|[hm])60[sm]/.test(text))).toEqual([]);
  });

  it('says ? for an estimate that cannot be made', () => {
    expect([Infinity, NaN, -1].map(formatDuration)).toEqual(['?', '?', '?']);
  });
});
