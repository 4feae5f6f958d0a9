import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../api/client';
import { zhCN } from '../i18n/zh-CN';
import { caught, describeError, fieldErrors } from './errors';

describe('refusals as staff read them', () => {
  it('titles a known code in the locale and keeps the API reason and details', () => {
    const shown = describeError(
      { status: 400, code: 'invalid_body', message: 'bad input', details: ['reason: is required', 42] },
      zhCN,
    );
    expect(shown).toEqual({ title: '输入有误', detail: 'bad input; reason: is required' });
  });

  it('names an unknown code rather than hiding it', () => {
    expect(describeError({ status: 418, code: 'teapot', message: '' }, zhCN).title).toBe(
      '操作未成功：teapot',
    );
  });

  it('maps validation details to their fields, first reason each, nested paths kept', () => {
    expect(
      fieldErrors({
        status: 400,
        code: 'invalid_body',
        message: 'x',
        details: [
          'reason: is required',
          'reason: too short',
          'tasks.0.dueAt: is not a date',
          'body is empty',
          7,
        ],
      }),
    ).toEqual({ reason: 'is required', 'tasks.0.dueAt': 'is not a date' });
    expect(fieldErrors(undefined)).toEqual({});
  });

  it('turns a thrown refusal into its error and anything else into the network failure', () => {
    const e = { status: 409, code: 'conflict', message: 'published' };
    expect(caught(new ApiFailure(e), zhCN)).toBe(e);
    expect(caught(new TypeError('fetch failed'), zhCN)).toMatchObject({ status: 0, code: 'network' });
  });
});
