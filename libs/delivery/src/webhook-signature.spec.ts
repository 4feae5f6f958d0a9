import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signature v1', () => {
  const secret = 'whsec_test-secret';
  const body = '{"id":"42","title":{"zh":"联合惩戒","en":"joint action"}}';

  it('is HMAC-SHA256 of "timestamp.body" in hex, as a receiver computes it independently', () => {
    const expected = createHmac('sha256', secret).update(`1764600000.${body}`, 'utf8').digest('hex');
    expect(signWebhook(secret, 1764600000, body)).toBe(`v1=${expected}`);
  });

  it('verifies with the same secret, body and timestamp only', () => {
    const sig = signWebhook(secret, 1764600000, body);
    const at = { nowSeconds: 1764600010 };
    expect(verifyWebhook(secret, '1764600000', body, sig, at)).toBe(true);
    expect(verifyWebhook('whsec_other', '1764600000', body, sig, at)).toBe(false);
    expect(verifyWebhook(secret, '1764600000', body.replace('42', '43'), sig, at)).toBe(false);
    expect(verifyWebhook(secret, '1764600001', body, sig, at)).toBe(false);
    expect(verifyWebhook(secret, '1764600000', body, 'v1=00', at)).toBe(false);
  });

  it('refuses a timestamp outside the tolerance (a replayed request)', () => {
    const sig = signWebhook(secret, 1764600000, body);
    expect(verifyWebhook(secret, 1764600000, body, sig, { nowSeconds: 1764600000 + 301 })).toBe(false);
    expect(verifyWebhook(secret, 1764600000, body, sig, { nowSeconds: 1764600000 + 299 })).toBe(true);
    expect(verifyWebhook(secret, 'soon', body, sig)).toBe(false);
  });
});
