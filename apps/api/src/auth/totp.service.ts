import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { generateSecret, generateURI, verify } from 'otplib';
import { ConflictError, ForbiddenError, InvalidInputError } from '@lianjian/common';
import { AccessRepository, AuditRepository } from '@lianjian/database';
import { actorName, actorRole, enrolmentCodeHash, isAdminRole, type Principal } from '@lianjian/access';
import { decryptSecret, encryptSecret, parseSecretsKey, TEST_SECRETS_KEY } from '@lianjian/delivery';

const ISSUER = 'Lianjian 联监';
// A code of the step before or after the current one (30 s each) is accepted: clocks drift.
const TOLERANCE_SECONDS = 30;

// The second factor (双因素) of 等保2.0 level 3 for administrators: TOTP (RFC 6238: 6 digits, 30 s,
// SHA-1, as authenticator apps expect). Secrets are encrypted at rest with WEBHOOK_SECRETS_KEY
// (AES-256-GCM, bound to the user), the key webhook signing secrets use; the secret in clear is in
// the enrolment answer only. A code is accepted once: its time step must be later than the last one.
@Injectable()
export class TotpService {
  private readonly key: Buffer;

  constructor(
    private readonly access: AccessRepository,
    private readonly audit: AuditRepository,
    config: ConfigService,
  ) {
    const configured = config.get<string>('WEBHOOK_SECRETS_KEY');
    // The env schema refuses a missing key in every NODE_ENV but test.
    this.key = configured ? parseSecretsKey(configured) : TEST_SECRETS_KEY;
  }

  // Whether the user has a confirmed second factor (sign-in then needs a code).
  async enrolled(userId: string): Promise<boolean> {
    return !!(await this.access.totp(userId))?.confirmedAt;
  }

  // A new secret, answered once (the otpauth:// URI for a QR code, and the secret to type in);
  // it counts once confirmed with a code. An enrolled user cannot replace theirs (a security
  // administrator resets it). An administrator enrols only with the one-time enrolment code a
  // security administrator issued, which this uses up: a password alone, stolen before the first
  // sign-in, does not let anyone enrol their own authenticator.
  async enrol(caller: Principal, client: string, enrolmentCode?: string) {
    const user = person(caller);
    if ((await this.access.totp(user.id))?.confirmedAt) throw alreadyEnrolled();
    if (isAdminRole(user.role)) {
      if (!enrolmentCode)
        throw new InvalidInputError('invalid body', [
          'enrolmentCode: required: an administrator enrols with the one-time enrolment code a security administrator issued (POST /api/v1/users/{id}/totp/enrolment-code) / 管理员须凭安全管理员签发的一次性绑定码绑定动态口令',
        ]);
      if (!(await this.access.takeEnrolmentCode(user.id, enrolmentCodeHash(enrolmentCode)))) {
        await this.denied(caller, client, 'auth.totp.enrol', 'wrong, used or expired enrolment code');
        throw new InvalidInputError('invalid body', [
          'enrolmentCode: wrong, used or expired; ask a security administrator for a new one / 绑定码错误、已使用或已过期，请向安全管理员重新申请',
        ]);
      }
    }
    const secret = generateSecret();
    if (!(await this.access.saveTotpSecret(user.id, encryptSecret(this.key, secret, aad(user.id)))))
      throw alreadyEnrolled();
    await this.audit.append({
      actor: actorName(caller),
      role: actorRole(caller),
      source: client,
      action: 'auth.totp.enrol',
      target: `user:${user.id}`,
      result: 'ok',
    });
    return {
      secret,
      otpauthUri: generateURI({ issuer: ISSUER, label: user.username, secret }),
      confirm: 'POST /api/v1/auth/totp/confirm {"code":"123456"} with a code of the authenticator app',
    };
  }

  // The first code confirms the enrolment; the token of this sign-in then counts as two factors.
  async confirm(caller: Principal, code: string, token: string | undefined, client: string) {
    const user = person(caller);
    const row = await this.access.totp(user.id);
    if (!row) throw new ConflictError('enrol first: POST /api/v1/auth/totp/enrol / 请先申请绑定动态口令');
    if (row.confirmedAt) throw new ConflictError('the second factor is already confirmed / 动态口令已绑定');
    const step = await this.check(user.id, row, code);
    if (step === undefined || !(await this.access.takeTotpStep(user.id, step, true))) {
      await this.denied(caller, client, 'auth.totp.confirm');
      throw new InvalidInputError('invalid body', [
        'code: wrong or already used one-time code / 动态口令错误或已使用',
      ]);
    }
    if (token) await this.access.markSecondFactor(token);
    await this.audit.append({
      actor: actorName(caller),
      role: actorRole(caller),
      source: client,
      action: 'auth.totp.confirm',
      target: `user:${user.id}`,
      result: 'ok',
    });
    return { enrolled: true };
  }

  // A sign-in's code: right, and not used before (false otherwise).
  async verifySignIn(userId: string, code: string | undefined): Promise<boolean> {
    const row = await this.access.totp(userId);
    if (!row?.confirmedAt || !code) return false;
    const step = await this.check(userId, row, code);
    return step !== undefined && this.access.takeTotpStep(userId, step, false);
  }

  private async check(
    userId: string,
    row: { secretEnc: Buffer; lastStep: number | null },
    code: string,
  ): Promise<number | undefined> {
    const secret = decryptSecret(this.key, row.secretEnc, aad(userId));
    const res = await verify({
      secret,
      token: code,
      epochTolerance: TOLERANCE_SECONDS,
      ...(row.lastStep === null ? {} : { afterTimeStep: row.lastStep }),
    }).catch(() => ({ valid: false as const }));
    return res.valid ? (res as { timeStep: number }).timeStep : undefined;
  }

  private async denied(
    caller: Principal,
    client: string,
    action: string,
    reason = 'wrong one-time code',
  ): Promise<void> {
    await this.audit.append({
      actor: actorName(caller),
      role: actorRole(caller),
      source: client,
      action,
      target: caller.kind === 'user' ? `user:${caller.id}` : null,
      result: 'denied',
      detail: { reason },
    });
  }
}

function alreadyEnrolled(): ConflictError {
  return new ConflictError(
    'a second factor is already enrolled; a security administrator resets it (POST /api/v1/users/{id}/totp/reset) / 已绑定动态口令，如需更换请联系安全管理员重置',
  );
}

function person(caller: Principal): Extract<Principal, { kind: 'user' }> {
  if (caller.kind !== 'user') throw new ForbiddenError('an API key has no second factor');
  return caller;
}

// Binds a ciphertext to its user: a row copied onto another user does not decrypt.
function aad(userId: string): string {
  return `totp:${userId}`;
}
