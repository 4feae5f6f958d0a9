import { z } from 'zod';
import { checkRegionCode } from '@lianjian/reference';
import { ROLES } from './roles';
import { passwordProblems } from './password';
import { NATIONAL } from './jurisdiction';

// What creating a user or an API key takes, checked the same way by the API and by the bootstrap
// commands (npm run user:create / apikey:create).
export const newUserSchema = z
  .strictObject({
    username: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$/,
        'username: 2-64 letters, digits, _ . @ -, starting with a letter or digit',
      ),
    password: z.string(),
    role: z.enum(ROLES, { error: `role must be one of ${ROLES.join(', ')}` }),
    displayName: z.string().trim().min(1).max(100).optional(),
    departmentCode: z.string().min(1).max(64).optional(),
    // Required: a GB/T 2260 code, or "national" (全国), which only a national security
    // administrator grants. No region no longer means national.
    regionCode: z
      .string({
        error: `regionCode is required: a region code (e.g. 330106) or "${NATIONAL}" (全国) / 必须指定辖区`,
      })
      .superRefine((code, ctx) => {
        if (code === NATIONAL) return;
        const check = checkRegionCode(code);
        if (!check.valid) ctx.addIssue({ code: 'custom', message: `region ${code}: ${check.reason.en}` });
      }),
  })
  .superRefine((u, ctx) => {
    // Checked here, not on the field, because the password must not contain the user name.
    for (const message of passwordProblems(u.password, u.username))
      ctx.addIssue({ code: 'custom', path: ['password'], message });
    if (u.role === 'department_officer' && !u.departmentCode)
      ctx.addIssue({
        code: 'custom',
        path: ['departmentCode'],
        message: 'a department officer acts for one department: give --department',
      });
  });
export type NewUser = z.infer<typeof newUserSchema>;

export const newApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  departmentCode: z.string().min(1).max(64).optional(),
  sources: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'source ids are lower-case, e.g. samr-xihu'))
    .min(1, 'an API key is scoped to at least one source'),
});
export type NewApiKey = z.infer<typeof newApiKeySchema>;
