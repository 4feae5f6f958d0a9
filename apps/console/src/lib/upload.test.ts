import { describe, expect, it } from 'vitest';
import { batchPercent, isFinal, pollDelayMs, stepOf } from './batch-follow';
import { busy, IDLE, percentOf, progressOf, uploadReducer, xhrError, type UploadEvent } from './upload';

const run = (...events: UploadEvent[]) => events.reduce(uploadReducer, IDLE);

describe('upload progress', () => {
  it('goes idle → uploading → storing → accepted, the bar at 100 only once the API answered', () => {
    const up = run({ type: 'start', total: 1000 }, { type: 'progress', loaded: 500, total: 1000 });
    expect(up).toEqual({ phase: 'uploading', loaded: 500, total: 1000, percent: 50 });
    expect(progressOf(up)).toEqual({ percent: 50, status: 'active' });
    expect(busy(up)).toBe(true);
    const all = uploadReducer(up, { type: 'progress', loaded: 1000, total: 1000 });
    expect(progressOf(all).percent).toBe(99);
    const stored = uploadReducer(all, { type: 'sent' });
    expect(stored).toEqual({ phase: 'storing', total: 1000 });
    const done = uploadReducer(stored, { type: 'accepted', batchId: 'b1' });
    expect(done).toEqual({ phase: 'accepted', batchId: 'b1', duplicate: false });
    expect(progressOf(done)).toEqual({ percent: 100, status: 'success' });
    expect(busy(done)).toBe(false);
  });

  it('never moves the bar back, and ignores events outside an upload', () => {
    const up = run({ type: 'start', total: 100 }, { type: 'progress', loaded: 60, total: 100 });
    expect(uploadReducer(up, { type: 'progress', loaded: 30, total: 100 })).toBe(up);
    expect(run({ type: 'progress', loaded: 5, total: 10 })).toBe(IDLE);
    expect(run({ type: 'accepted', batchId: 'x' })).toBe(IDLE);
    // a total the browser does not know (0) keeps the file's size
    expect(uploadReducer(up, { type: 'progress', loaded: 80, total: 0 })).toMatchObject({
      percent: 80,
      total: 100,
    });
  });

  it('keeps the refusal of the API, and resets', () => {
    const error = xhrError(
      413,
      JSON.stringify({
        error: { code: 'payload_too_large', message: 'over 100 MB', details: ['file: too large'] },
      }),
      'Payload Too Large',
    );
    expect(error).toEqual({
      status: 413,
      code: 'payload_too_large',
      message: 'over 100 MB',
      details: ['file: too large'],
    });
    const failed = run({ type: 'start', total: 10 }, { type: 'failed', error });
    expect(failed).toEqual({ phase: 'failed', error });
    expect(progressOf(failed).status).toBe('exception');
    expect(uploadReducer(failed, { type: 'reset' })).toBe(IDLE);
    expect(xhrError(502, '<html>', 'Bad Gateway')).toEqual({
      status: 502,
      code: 'http_502',
      message: 'Bad Gateway',
      details: undefined,
    });
  });

  it('computes whole percents, 0 for an empty file', () => {
    expect(percentOf(0, 0)).toBe(0);
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(5, 3)).toBe(99);
  });
});

describe('following a batch', () => {
  it('maps its status to a step and a percent, and backs off polling', () => {
    expect([stepOf('queued'), stepOf('processing'), stepOf('done'), stepOf('failed')]).toEqual([0, 1, 2, 2]);
    expect(isFinal('processing')).toBe(false);
    expect(isFinal('failed')).toBe(true);
    expect(batchPercent('processing')).toBe(50);
    expect([0, 1, 2, 3, 4, 10].map(pollDelayMs)).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
  });
});
