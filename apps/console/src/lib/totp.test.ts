import { describe, expect, it } from 'vitest';
import {
  confirmBody,
  enrolBody,
  enrolSteps,
  groupSecret,
  normaliseEnrolmentCode,
  normaliseTotpCode,
  otpauthAccount,
} from './totp';

describe('the enrolment steps (绑定动态口令)', () => {
  it('asks an administrator for the enrolment code first, anyone else starts at the secret', () => {
    expect(enrolSteps(true)).toEqual(['code', 'secret', 'confirm']);
    expect(enrolSteps(false)).toEqual(['secret', 'confirm']);
  });
});

describe('the secret as a person reads it', () => {
  it('groups a base32 secret by four, upper case', () => {
    expect(groupSecret('BYU2Y54UAVD5VEXSHMGBUZ47ZHIVBLUV')).toBe('BYU2 Y54U AVD5 VEXS HMGB UZ47 ZHIV BLUV');
    expect(groupSecret('byu2 y54u av')).toBe('BYU2 Y54U AV');
    expect(groupSecret('ABCDEFG', 3)).toBe('ABC DEF G');
    expect(groupSecret('')).toBe('');
  });

  it('loses nothing: the groups without their spaces are the secret', () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    expect(groupSecret(secret).replace(/ /g, '')).toBe(secret);
  });

  it('reads the account and issuer the authenticator app will list from the otpauth URI', () => {
    expect(
      otpauthAccount(
        'otpauth://totp/Lianjian%20%E8%81%94%E7%9B%91:zhao.min?secret=BYU2Y54UAVD5VEXS&issuer=Lianjian%20%E8%81%94%E7%9B%91',
      ),
    ).toEqual({ issuer: 'Lianjian 联监', account: 'zhao.min' });
    expect(otpauthAccount('otpauth://totp/zhao.min?secret=X')).toEqual({ issuer: null, account: 'zhao.min' });
    expect(otpauthAccount('otpauth://totp/Lianjian:li.na')).toEqual({ issuer: 'Lianjian', account: 'li.na' });
    expect(otpauthAccount('https://example.com')).toBeNull();
    expect(otpauthAccount('otpauth://totp/%E0%A4%A?secret=X')).toBeNull();
  });
});

describe('the forms as the API’s bodies', () => {
  it('sends an administrator’s enrolment code in its issued form, however it was typed', () => {
    expect(enrolBody(true, ' abcd-efgh-jkmn-pqrs ')).toEqual({ enrolmentCode: 'ABCD-EFGH-JKMN-PQRS' });
    expect(enrolBody(true, 'ABCD EFGH JKMN PQRS')).toEqual({ enrolmentCode: 'ABCD-EFGH-JKMN-PQRS' });
    expect(enrolBody(true, 'ABCDEFGHJKMNPQRS')).toEqual({ enrolmentCode: 'ABCD-EFGH-JKMN-PQRS' });
    expect(normaliseEnrolmentCode('ABCD--EFGH-JKMN-PQRS')).toBe('ABCD-EFGH-JKMN-PQRS');
  });

  it('sends what is not 16 letters and digits as typed (trimmed), for the API to say what is wrong', () => {
    expect(enrolBody(true, ' ABCD-EFGH ')).toEqual({ enrolmentCode: 'ABCD-EFGH' });
    expect(enrolBody(true, undefined)).toEqual({ enrolmentCode: '' });
    expect(normaliseEnrolmentCode('ABCD-EFGH-JKMN-PQR!')).toBe('ABCD-EFGH-JKMN-PQR!');
  });

  it('sends no code for a user who is not an administrator', () => {
    expect(enrolBody(false, 'ABCD-EFGH-JKMN-PQRS')).toEqual({});
    expect(enrolBody(false, undefined)).toEqual({});
  });

  it('confirms with six digits, as an app shows them or as typed', () => {
    expect(confirmBody('123456')).toEqual({ code: '123456' });
    expect(confirmBody(' 123 456 ')).toEqual({ code: '123456' });
    expect(normaliseTotpCode('123-456')).toBe('123456');
  });

  it('sends nothing that is not six digits', () => {
    expect(confirmBody('12345')).toBeNull();
    expect(confirmBody('1234567')).toBeNull();
    expect(confirmBody('12345a')).toBeNull();
    expect(confirmBody(undefined)).toBeNull();
  });
});
