// Roles (角色) and what each may do. Routes name the permission they need; this table is the one place
// that says which role holds it, so the access-matrix test and the README read from the same source.
//
// 三员分立 (等保2.0 level 3): three administrators, none holding another's duty. `admin` is the
// system administrator (系统管理员: webhooks, models, runs, rules), `security_admin` the security
// administrator (安全管理员: users, roles, API keys), `auditor` the audit administrator (安全审计员:
// reads and verifies the audit log, which records the other two's actions).
export const ROLES = [
  'admin',
  'security_admin',
  'supervision_staff',
  'coordinator',
  'department_officer',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '系统管理员', en: 'system administrator' },
  security_admin: { zh: '安全管理员', en: 'security administrator' },
  supervision_staff: { zh: '监管人员', en: 'supervision staff' },
  coordinator: { zh: '联合执法协调人', en: 'joint-enforcement coordinator' },
  department_officer: { zh: '部门执法人员', en: 'department officer' },
  auditor: { zh: '安全审计员', en: 'audit administrator' },
};

// The three administrators (三员). Creating, disabling or enabling one takes a second security
// administrator (a request and its confirmation); each signs in with a second factor (TOTP).
export const ADMIN_ROLES = ['admin', 'security_admin', 'auditor'] as const satisfies readonly Role[];
export type AdminRole = (typeof ADMIN_ROLES)[number];

export function isAdminRole(role: Role): role is AdminRole {
  return (ADMIN_ROLES as readonly Role[]).includes(role);
}

// What makes each administrator one: no role holds permissions of two duties (a test checks it).
export const ADMIN_DUTIES: Record<AdminRole, readonly Permission[]> = {
  admin: ['departments:manage', 'scoring:manage', 'queues:manage'],
  security_admin: ['users:manage'],
  auditor: ['audit:read'],
};

// A user may create and disable only roles at or below their own: the three administrators are
// peers (2), everyone else is below them (1). Only security administrators hold users:manage.
export const ROLE_RANK: Record<Role, number> = {
  admin: 2,
  security_admin: 2,
  auditor: 2,
  supervision_staff: 1,
  coordinator: 1,
  department_officer: 1,
};

export const PERMISSIONS = [
  'records:ingest', // POST records, upload files (API keys and officers: their own sources only)
  'batches:read',
  'entities:read', // profiles, score history, compare (within jurisdiction)
  'risk-list:read',
  'personal-data:read', // legal representatives' ID numbers and phones unmasked
  'alerts:read', // officers and API keys: only their department's deliveries
  'alerts:ack', // only the acknowledging department's own delivery
  'alerts:manage', // snooze, close, reopen, redeliver
  'alerts:snooze', // officers: snooze (暂缓) an alert delivered to their own department, and end it
  'departments:read',
  'departments:manage', // webhook endpoints and secrets
  'sources:read',
  'scoring:read', // score runs, models
  'scoring:manage', // start a run, activate a model
  'rules:read',
  'rules:write', // propose, publish (four eyes), retire, backtest
  'cases:read', // officers: cases with a task of their department
  'cases:manage', // open, dispatch, merge, close, reopen, bulk
  'cases:task', // an officer's own department's task: accept, report the result
  'repair:file', // 信用修复: file an objection or repair request
  'repair:decide', // decide one (the record's department, not the filer)
  'audit:read', // verify the chain, read the log
  'users:manage', // users and API keys (the security administrator, within their jurisdiction)
  'queues:manage', // the queue dashboard (Bull Board at /admin/queues): jobs, retry, clean
  'planning:read', // 双随机: inspection items, plans, tasks, publications, the inspector directory (masked)
  'planning:plan', // draft, freeze, draw and staff a plan: officers their department's, coordinators joint ones
  'planning:result', // record a task's result: only an inspector on the task's team
  'planning:publish', // 一公开: publish a plan's announcements and results (never the plan's author)
  'inspectors:manage', // the department's inspector directory (执法检查人员名录库) and declared conflicts
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const STAFF_READ: Permission[] = [
  'batches:read',
  'entities:read',
  'risk-list:read',
  'alerts:read',
  'departments:read',
  'sources:read',
  'scoring:read',
  'rules:read',
  'cases:read',
  'planning:read',
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  // 系统管理员 runs the system: webhooks, models, runs, rules. Sees personal data masked. Neither
  // manages users nor reads the audit log (三员分立).
  admin: [
    ...STAFF_READ,
    'records:ingest',
    'alerts:manage',
    'departments:manage',
    'scoring:manage',
    'rules:write',
    'queues:manage',
  ],
  // 安全管理员: users, roles and API keys within their jurisdiction; sees departments and sources
  // (what keys are scoped to), no entity data.
  security_admin: ['departments:read', 'sources:read', 'users:manage'],
  // Reviews risk lists and profiles, writes rules (another staff member publishes), files and decides
  // credit repair for their department's records.
  // Publishes random-inspection announcements and results (一公开) that others planned.
  supervision_staff: [
    ...STAFF_READ,
    'alerts:manage',
    'rules:write',
    'repair:file',
    'repair:decide',
    'planning:publish',
  ],
  // Takes joint alerts to cases: opens, dispatches, chases, closes. Needs the legal representative.
  // Plans joint random inspections across departments (跨部门联合抽查).
  coordinator: [
    ...STAFF_READ,
    'personal-data:read',
    'alerts:manage',
    'cases:manage',
    'repair:file',
    'planning:plan',
    'planning:publish',
  ],
  // Acts for one department: its deliveries, its case tasks, its files and its records' repair.
  department_officer: [
    ...STAFF_READ,
    'personal-data:read',
    'records:ingest',
    'alerts:ack',
    'alerts:snooze',
    'cases:task',
    'repair:file',
    'repair:decide',
    'planning:plan',
    'planning:result',
    'planning:publish',
    'inspectors:manage',
  ],
  // 安全审计员: reads everything in their jurisdiction, masked, and reads and verifies the audit log;
  // changes nothing.
  auditor: [...STAFF_READ, 'audit:read'],
};

// A departmental system's API key: ingest for its sources, and its department's deliveries.
export const API_KEY_PERMISSIONS: readonly Permission[] = [
  'records:ingest',
  'batches:read',
  'sources:read',
  'alerts:read',
  'alerts:ack',
];
