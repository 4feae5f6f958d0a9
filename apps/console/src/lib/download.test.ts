import { describe, expect, it } from 'vitest';
import { attachmentName } from './download';

describe('attachmentName', () => {
  it('prefers the UTF-8 name to the ASCII fallback', () => {
    expect(
      attachmentName(
        `attachment; filename="risk-list-20261203.xlsx"; filename*=UTF-8''${encodeURIComponent('风险名单-20261203.xlsx')}`,
      ),
    ).toBe('风险名单-20261203.xlsx');
  });

  it('reads a quoted or a bare ASCII name', () => {
    expect(attachmentName('attachment; filename="rejections-7.csv"')).toBe('rejections-7.csv');
    expect(attachmentName('attachment; filename=rejections-7.csv')).toBe('rejections-7.csv');
  });

  it('keeps a name, never a path, and falls back on a broken UTF-8 name', () => {
    expect(attachmentName('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(attachmentName(`attachment; filename="a.xlsx"; filename*=UTF-8''%E9%A3`)).toBe('a.xlsx');
  });

  it('is undefined without a name', () => {
    expect(attachmentName(null)).toBeUndefined();
    expect(attachmentName('inline')).toBeUndefined();
    expect(attachmentName('attachment; filename=""')).toBeUndefined();
  });
});
