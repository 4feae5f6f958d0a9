import type { Widen } from './zh-CN';

// 绑定动态口令: enrolling the second factor (TOTP) after sign-in; administrators must before anything else.
export const enrolZhCN = {
  title: '绑定动态口令',
  intro:
    '动态口令是手机验证器应用（如 FreeOTP、Microsoft Authenticator、Google Authenticator）每 30 秒生成的 6 位数字。绑定后，每次登录除密码外还须输入当时的动态口令。',
  mustEnrolDetail: '绑定完成前，本账号只能绑定动态口令或退出，其他页面均无法打开。',
  signedInAs: '当前账号：{name}',
  stepsLabel: '绑定步骤',
  steps: { code: '输入绑定码', secret: '添加到验证器', confirm: '输入动态口令确认' },
  enrolmentCode: '一次性绑定码',
  whereToGet:
    '请向本辖区的安全管理员申请一次性绑定码：安全管理员在“系统管理 → 用户”中为您签发，并通过与密码不同的渠道（当面或电话）交给您。绑定码只能使用一次，过期作废；遗失、已使用或已过期请重新申请。',
  enrolmentCodeHint: '16 位字母和数字，如 ABCD-EFGH-JKMN-PQRS（不区分大小写）',
  enrolmentCodeRequired: '请输入安全管理员签发的绑定码',
  noCodeNeeded: '您的角色无需绑定码。点击“开始绑定”后，系统将生成您的动态口令密钥。',
  next: '下一步',
  start: '开始绑定',
  shownOnce:
    '以下密钥仅显示这一次。请现在将其添加到验证器应用；离开或刷新本页后将无法再次查看，须重新开始绑定（管理员须向安全管理员重新申请绑定码）。',
  scan: '用验证器应用扫描二维码。',
  qrLabel: '动态口令二维码，内容为下方的绑定链接',
  orType: '无法扫描时，在验证器应用中选择手动输入，输入下方密钥（类型：基于时间，6 位，30 秒）。',
  secret: '密钥',
  uri: '绑定链接（otpauth）',
  account: '验证器中将显示为：{issuer}（{account}）',
  copy: '复制密钥',
  copied: '已复制',
  added: '已添加，下一步',
  back: '上一步',
  code: '动态口令',
  codeHint: '输入验证器应用当前显示的 6 位数字。',
  codeFormat: '动态口令为 6 位数字',
  confirm: '确认绑定',
  home: '返回工作台',
  signOut: '退出',
} as const;

export const enrolEnUS: Widen<typeof enrolZhCN> = {
  title: 'Enrol a second factor',
  intro:
    'A one-time code is the 6 digits an authenticator app on your phone (e.g. FreeOTP, Microsoft Authenticator, Google Authenticator) shows, new every 30 seconds. Once enrolled, you sign in with your password and the code of the moment.',
  mustEnrolDetail: 'Until you have enrolled, this account can only enrol or sign out; no other page opens.',
  signedInAs: 'Signed in as {name}',
  stepsLabel: 'Enrolment steps',
  steps: { code: 'Enrolment code', secret: 'Add to the app', confirm: 'Confirm with a code' },
  enrolmentCode: 'One-time enrolment code',
  whereToGet:
    'Ask a security administrator of your jurisdiction for a one-time enrolment code: they issue it under Administration → Users and hand it to you apart from your password (in person or by phone). It works once, until it expires; if lost, used or expired, ask for a new one.',
  enrolmentCodeHint: '16 letters and digits, e.g. ABCD-EFGH-JKMN-PQRS (any case)',
  enrolmentCodeRequired: 'Enter the enrolment code a security administrator issued',
  noCodeNeeded: 'Your role needs no enrolment code. “Start” makes the secret of your one-time codes.',
  next: 'Next',
  start: 'Start',
  shownOnce:
    'This secret is shown this once only. Add it to your authenticator app now: after leaving or reloading this page it cannot be shown again and you start over (an administrator asks a security administrator for a new enrolment code).',
  scan: 'Scan the QR code with the authenticator app.',
  qrLabel: 'QR code of the one-time codes: the enrolment link below',
  orType:
    'If you cannot scan it, choose to enter a key in the app and type the secret below (time-based, 6 digits, 30 seconds).',
  secret: 'Secret',
  uri: 'Enrolment link (otpauth)',
  account: 'The app will list it as {issuer} ({account})',
  copy: 'Copy the secret',
  copied: 'Copied',
  added: 'Added, next',
  back: 'Back',
  code: 'One-time code',
  codeHint: 'The 6 digits the authenticator app shows now.',
  codeFormat: 'A one-time code is 6 digits',
  confirm: 'Confirm',
  home: 'Back to home',
  signOut: 'Sign out',
};
