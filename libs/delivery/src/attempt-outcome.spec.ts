import { classifyAttempt } from './attempt-outcome';

describe('classifyAttempt', () => {
  it('2xx is delivered', () => {
    expect(classifyAttempt({ status: 200 }, 1, 10)).toEqual({
      outcome: 'delivered',
      error: null,
      retry: false,
    });
    expect(classifyAttempt({ status: 204 }, 10, 10).outcome).toBe('delivered');
  });

  it('410 Gone is dead at once, whatever the attempt', () => {
    expect(classifyAttempt({ status: 410, statusText: 'Gone' }, 1, 10)).toEqual({
      outcome: 'dead',
      error: 'HTTP 410 Gone: the receiver retired this endpoint',
      retry: false,
    });
  });

  it('other statuses and transport errors are retried until the last attempt, then dead with that error', () => {
    expect(classifyAttempt({ status: 500, statusText: 'Internal Server Error' }, 1, 3)).toEqual({
      outcome: 'failed',
      error: 'HTTP 500 Internal Server Error',
      retry: true,
    });
    expect(classifyAttempt({ status: 301 }, 2, 3)).toEqual({
      outcome: 'failed',
      error: 'HTTP 301',
      retry: true,
    });
    expect(classifyAttempt({ status: 404 }, 2, 3).retry).toBe(true);
    const timeout = { error: 'no response within 5000 ms (timeout)' };
    expect(classifyAttempt(timeout, 2, 3)).toEqual({ outcome: 'failed', error: timeout.error, retry: true });
    expect(classifyAttempt(timeout, 3, 3)).toEqual({ outcome: 'dead', error: timeout.error, retry: false });
    expect(classifyAttempt({ error: 'connection refused (ECONNREFUSED)' }, 1, 1).outcome).toBe('dead');
  });

  it('a permanent reason is dead at once', () => {
    expect(classifyAttempt({ error: 'no webhook URL', permanent: true }, 1, 10)).toEqual({
      outcome: 'dead',
      error: 'no webhook URL',
      retry: false,
    });
  });
});
