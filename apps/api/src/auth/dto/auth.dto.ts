import { z } from 'zod';

export const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
  // The one-time code (TOTP) of a user who enrolled one: every administrator, once enrolled.
  code: z
    .string()
    .regex(/^\d{6}$/, 'code: the six digits of the authenticator app / 动态口令为 6 位数字')
    .optional(),
});
export type LoginBody = z.infer<typeof loginBody>;

export const passwordBody = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});
export type PasswordBody = z.infer<typeof passwordBody>;

export const requestListQuery = z.strictObject({
  status: z.enum(['pending', 'confirmed', 'withdrawn']).optional(),
});
export type RequestListQuery = z.infer<typeof requestListQuery>;

// A TOTP code (RFC 6238): six digits from the authenticator app.
const totpCode = z
  .string()
  .regex(/^\d{6}$/, 'code: the six digits of the authenticator app / 动态口令为 6 位数字');

export const totpConfirmBody = z.strictObject({ code: totpCode });
export type TotpConfirmBody = z.infer<typeof totpConfirmBody>;

// Enrolling a second factor: an administrator sends the one-time enrolment code (一次性绑定码) a
// security administrator issued (POST /api/v1/users/{id}/totp/enrolment-code); other users need none.
export const totpEnrolBody = z
  .strictObject({
    enrolmentCode: z
      .string()
      .regex(
        /^[A-Za-z0-9 -]{16,24}$/,
        'the one-time enrolment code of 16 letters and digits a security administrator issued / 安全管理员签发的一次性绑定码（16 位字母和数字）',
      )
      .optional(),
  })
  .optional();
export type TotpEnrolBody = z.infer<typeof totpEnrolBody>;
