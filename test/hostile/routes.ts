// Every controller route of the api, with what can be attacked on it: its path parameters, its query
// fields and its body. hostile-input.integration-spec.ts drives each with the corpus, and fails when
// the api has a route this table lacks (so the table grows with every route).
//
// To add a route: one entry, with
//   method, path   exactly as Nest registers it ('/api/v1/cases/:id'; the failure message prints it);
//   as             a caller who may call it (see Caller), so the attack reaches the route's validation;
//   params         a plausible value per path parameter (each is attacked in turn, the others kept);
//   query          a plausible value per query field (same);
//   body           a valid body: every string in it (nested ones too) is attacked in turn, and the whole
//                  body with the corpus's hostile JSON documents; omit for routes without a body;
//   file           for uploads: the body is a file, attacked by hostile-files-text.integration-spec.ts.

import { registrationRecord, USCC_A } from '@lianjian/testing';

export type Caller =
  'admin' | 'security' | 'staff' | 'coordinator' | 'officer' | 'auditor' | 'fresh' | 'anonymous';

export interface RouteEntry {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  as: Caller;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
  file?: true;
}

const USCC = USCC_A; // Xihu, valid: a clean call passes validation
const DEPT = '330106-SAMR';
const PLAN_ID = '6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const RULE = {
  id: 'hostile-rule',
  name: { zh: '两部门罚款', en: 'Fines from two departments' },
  trigger: { type: 'record', kinds: ['penalty'] },
  condition: { field: 'history.penalty.departments_12m', op: 'gte', value: 2 },
  severity: 'high',
  finding: {
    type: 'repeat_penalties',
    label: { zh: '多部门重复处罚', en: 'Penalties from several departments' },
  },
  legalBasis: [{ zh: '国办发〔2019〕35号', en: 'Guobanfa [2019] No. 35' }],
};
const RECORD = {
  sourceRecordId: 'HOSTILE-1',
  kind: 'inspection',
  entity: { uscc: USCC },
  departmentCode: DEPT,
  occurredAt: '2025-05-10',
  inspection: { result: 'pass', matter: '食品经营', trigger: 'random' },
};

export const ROUTES: RouteEntry[] = [
  { method: 'GET', path: '/health', as: 'anonymous' },

  // auth
  {
    method: 'POST',
    path: '/api/v1/auth/login',
    as: 'anonymous',
    body: { username: 'nobody-here', password: 'Wrong password 2026!' },
  },
  {
    method: 'POST',
    path: '/api/v1/auth/session',
    as: 'anonymous',
    body: { username: 'nobody-here', password: 'Wrong password 2026!' },
  },
  { method: 'POST', path: '/api/v1/auth/logout', as: 'fresh' },
  {
    method: 'POST',
    path: '/api/v1/auth/password',
    as: 'fresh',
    body: { currentPassword: 'Not the password 1!', newPassword: 'A new long passphrase 2026!' },
  },
  { method: 'GET', path: '/api/v1/auth/me', as: 'admin' },
  // A second factor (TOTP): enrol, then confirm with the authenticator's code.
  {
    method: 'POST',
    path: '/api/v1/auth/totp/enrol',
    as: 'fresh',
    body: { enrolmentCode: 'ABCD-EFGH-JKMN-PQRS' },
  },
  { method: 'POST', path: '/api/v1/auth/totp/confirm', as: 'fresh', body: { code: '123456' } },

  // users, API keys and administrator requests: the security administrator (三员分立)
  { method: 'GET', path: '/api/v1/users', as: 'security' },
  {
    method: 'POST',
    path: '/api/v1/users',
    as: 'security',
    body: {
      username: 'hostile.user',
      password: 'A long passphrase 2026!',
      role: 'auditor',
      displayName: '王芳',
      departmentCode: DEPT,
      regionCode: '330106',
    },
  },
  { method: 'POST', path: '/api/v1/users/:id/disable', as: 'security', params: { id: '999999' } },
  { method: 'POST', path: '/api/v1/users/:id/enable', as: 'security', params: { id: '999999' } },
  { method: 'GET', path: '/api/v1/api-keys', as: 'security' },
  {
    method: 'POST',
    path: '/api/v1/api-keys',
    as: 'security',
    body: { name: '西湖区市场监管局系统', departmentCode: DEPT, sources: ['samr-xihu'] },
  },
  { method: 'POST', path: '/api/v1/api-keys/:id/revoke', as: 'security', params: { id: '999999' } },

  { method: 'POST', path: '/api/v1/users/:id/totp/reset', as: 'security', params: { id: '999999' } },
  {
    method: 'POST',
    path: '/api/v1/users/:id/totp/enrolment-code',
    as: 'security',
    params: { id: '999999' },
  },
  { method: 'GET', path: '/api/v1/admin-requests', as: 'security', query: { status: 'pending' } },
  { method: 'POST', path: '/api/v1/admin-requests/:id/confirm', as: 'security', params: { id: '999999' } },
  { method: 'DELETE', path: '/api/v1/admin-requests/:id', as: 'security', params: { id: '999999' } },

  // records and files
  {
    method: 'POST',
    path: '/api/v1/records',
    as: 'officer',
    body: { source: 'samr-xihu', records: [RECORD] },
  },
  // The same route again with master data: names, addresses, the legal representative (an entry may
  // repeat a route to attack another body).
  {
    method: 'POST',
    path: '/api/v1/records',
    as: 'officer',
    body: { source: 'samr-xihu', records: [registrationRecord(USCC_A)] },
  },
  { method: 'GET', path: '/api/v1/sources', as: 'admin' },
  {
    method: 'POST',
    path: '/api/v1/sources/:source/files',
    as: 'officer',
    params: { source: 'lianjian-canonical-inspections' },
    file: true,
  },
  {
    method: 'GET',
    path: '/api/v1/batches',
    as: 'admin',
    query: { source: 'samr-xihu', limit: '20' },
  },
  {
    method: 'GET',
    path: '/api/v1/batches/:batchId',
    as: 'admin',
    params: { batchId: '00000000-0000-4000-8000-000000000000' },
  },
  {
    method: 'POST',
    path: '/api/v1/batches/:batchId/rerun',
    as: 'admin',
    params: { batchId: '00000000-0000-4000-8000-000000000000' },
  },
  {
    method: 'GET',
    path: '/api/v1/batches/:batchId/file',
    as: 'coordinator',
    params: { batchId: '00000000-0000-4000-8000-000000000000' },
  },
  {
    method: 'GET',
    path: '/api/v1/batches/:batchId/rejections',
    as: 'admin',
    params: { batchId: '00000000-0000-4000-8000-000000000000' },
    query: { format: 'json' },
  },

  // entities and the risk list
  { method: 'GET', path: '/api/v1/entities/:key', as: 'admin', params: { key: USCC } },
  { method: 'GET', path: '/api/v1/entities/:key/related', as: 'admin', params: { key: USCC } },
  {
    method: 'GET',
    path: '/api/v1/entities/:key/scores',
    as: 'admin',
    params: { key: USCC },
    query: { limit: '10' },
  },
  {
    method: 'GET',
    path: '/api/v1/entities/:key/scores/compare',
    as: 'admin',
    params: { key: 'samr:ABC-1' },
    query: { from: '1', to: '2' },
  },
  {
    method: 'GET',
    path: '/api/v1/risk-list',
    as: 'staff',
    query: { region: '330106', industry: 'H62', class: 'D', minScore: '10', limit: '10', cursor: 'abc' },
  },
  {
    method: 'GET',
    path: '/api/v1/risk-list/export',
    as: 'staff',
    query: { region: '330106', industry: 'H62', class: 'D', minScore: '10', lang: 'en-US' },
  },
  // home (工作台): no parameters; any query is refused
  { method: 'GET', path: '/api/v1/dashboard', as: 'officer' },

  // alerts
  {
    method: 'GET',
    path: '/api/v1/alerts',
    as: 'officer',
    query: {
      department: DEPT,
      status: 'open',
      entity: USCC,
      source: 'samr-xihu',
      since: '2025-01-01',
      severity: 'high',
      rule: 'penalty-joint',
      acknowledged: 'false',
      limit: '5',
      cursor: '10',
    },
  },
  { method: 'GET', path: '/api/v1/alerts/:id/events', as: 'staff', params: { id: '1' } },
  {
    method: 'POST',
    path: '/api/v1/alerts/:id/snooze',
    as: 'staff',
    params: { id: '1' },
    body: { reason: '整改期内', until: '2099-12-01T09:00:00+08:00' },
  },
  {
    method: 'POST',
    path: '/api/v1/alerts/:id/unsnooze',
    as: 'staff',
    params: { id: '1' },
    body: { by: '张三' },
  },
  {
    method: 'POST',
    path: '/api/v1/alerts/:id/close',
    as: 'staff',
    params: { id: '1' },
    body: { reason: '已核实处理' },
  },
  {
    method: 'POST',
    path: '/api/v1/alerts/:id/reopen',
    as: 'staff',
    params: { id: '1' },
    body: { reason: '复查发现问题' },
  },
  {
    method: 'POST',
    path: '/api/v1/alerts/:id/deliveries/:department/ack',
    as: 'officer',
    params: { id: '1', department: DEPT },
  },
  {
    method: 'POST',
    path: '/api/v1/alerts/:id/deliveries/:department/redeliver',
    as: 'admin',
    params: { id: '1', department: DEPT },
    body: { by: '张三' },
  },
  {
    method: 'GET',
    path: '/api/v1/alerts/:id/deliveries/:department/attempts',
    as: 'admin',
    params: { id: '1', department: DEPT },
  },

  // cases
  { method: 'GET', path: '/api/v1/cases/types', as: 'coordinator' },
  {
    method: 'GET',
    path: '/api/v1/cases',
    as: 'coordinator',
    query: { state: 'open', entity: USCC, department: DEPT, overdue: 'false', limit: '5', cursor: '10' },
  },
  {
    method: 'POST',
    path: '/api/v1/cases',
    as: 'coordinator',
    body: {
      alertIds: ['1'],
      caseType: 'joint_penalty',
      leadDepartment: DEPT,
      departments: [DEPT],
      title: '联动处置',
      reason: '多部门处罚',
    },
  },
  { method: 'POST', path: '/api/v1/cases/bulk/dispatch', as: 'coordinator', body: { caseIds: ['1'] } },
  {
    method: 'POST',
    path: '/api/v1/cases/bulk/close',
    as: 'coordinator',
    body: { caseIds: ['1'], outcome: '处置完毕' },
  },
  { method: 'GET', path: '/api/v1/cases/:id', as: 'coordinator', params: { id: '1' } },
  {
    method: 'POST',
    path: '/api/v1/cases/:id/dispatch',
    as: 'coordinator',
    params: { id: '1' },
    body: { departments: [DEPT], note: '请核查' },
  },
  {
    method: 'POST',
    path: '/api/v1/cases/:id/alerts',
    as: 'coordinator',
    params: { id: '1' },
    body: { alertId: '2' },
  },
  {
    method: 'POST',
    path: '/api/v1/cases/:id/close',
    as: 'coordinator',
    params: { id: '1' },
    body: { outcome: '处置完毕' },
  },
  {
    method: 'POST',
    path: '/api/v1/cases/:id/reopen',
    as: 'coordinator',
    params: { id: '1' },
    body: { reason: '当事人复议' },
  },
  {
    method: 'POST',
    path: '/api/v1/cases/:id/tasks/:department/accept',
    as: 'officer',
    params: { id: '1', department: DEPT },
  },
  {
    method: 'POST',
    path: '/api/v1/cases/:id/tasks/:department/report',
    as: 'officer',
    params: { id: '1', department: DEPT },
    body: {
      verified: true,
      actionTaken: '立案查处',
      occurredAt: '2025-06-01',
      penalty: { decisionNo: '杭西税罚〔2025〕8号', penaltyTypes: ['fine'], fineAmount: 30000 },
    },
  },

  // credit repair
  {
    method: 'POST',
    path: '/api/v1/credit-repairs',
    as: 'officer',
    body: { recordId: '1', type: 'objection', reason: '记录有误', evidence: '情况说明.pdf' },
  },
  {
    method: 'GET',
    path: '/api/v1/credit-repairs',
    as: 'officer',
    query: { status: 'pending', entity: USCC, department: DEPT, limit: '5', cursor: '10' },
  },
  { method: 'GET', path: '/api/v1/credit-repairs/:id', as: 'officer', params: { id: '1' } },
  {
    method: 'POST',
    path: '/api/v1/credit-repairs/:id/approve',
    as: 'officer',
    params: { id: '1' },
    body: { reason: '整改到位', effectiveFrom: '2025-06-01' },
  },
  {
    method: 'POST',
    path: '/api/v1/credit-repairs/:id/reject',
    as: 'officer',
    params: { id: '1' },
    body: { reason: '材料不全' },
  },
  {
    method: 'POST',
    path: '/api/v1/credit-repairs/:id/withdraw',
    as: 'officer',
    params: { id: '1' },
    body: { reason: '撤回' },
  },

  // the inspector directory (执法检查人员名录库); the import is a file (its cells: inspectors.integration-spec.ts)
  {
    method: 'POST',
    path: '/api/v1/inspectors',
    as: 'officer',
    body: {
      name: '王建国',
      certificateNo: 'HOSTILE-0001',
      domains: ['food_safety'],
      regionCode: '330106',
      phone: '13800001234',
    },
  },
  {
    method: 'GET',
    path: '/api/v1/inspectors',
    as: 'staff',
    query: {
      department: DEPT,
      active: 'true',
      domain: 'food_safety',
      region: '3301',
      limit: '5',
      cursor: '10',
    },
  },
  { method: 'GET', path: '/api/v1/inspectors/:id', as: 'staff', params: { id: '1' } },
  {
    method: 'PATCH',
    path: '/api/v1/inspectors/:id',
    as: 'officer',
    params: { id: '1' },
    body: { name: '王建华', domains: ['food_safety', 'drugs'], regionCode: '330106', phone: '0571-87654321' },
  },
  { method: 'POST', path: '/api/v1/inspectors/import', as: 'officer', file: true },
  { method: 'GET', path: '/api/v1/inspectors/:id/conflicts', as: 'staff', params: { id: '1' } },
  {
    method: 'POST',
    path: '/api/v1/inspectors/:id/conflicts',
    as: 'officer',
    params: { id: '1' },
    body: { entity: USCC, reason: '配偶任该公司股东' },
  },
  {
    method: 'DELETE',
    path: '/api/v1/inspectors/:id/conflicts/:conflictId',
    as: 'officer',
    params: { id: '1', conflictId: '1' },
  },

  // 双随机、一公开: inspection plans, tasks and publications
  { method: 'GET', path: '/api/v1/inspection-items', as: 'staff' },
  {
    method: 'POST',
    path: '/api/v1/inspection-plans',
    as: 'officer',
    body: {
      title: '西湖区餐饮服务双随机抽查',
      items: ['SAMR-FOOD-OPERATION'],
      regionCode: '330106',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      budget: 20,
      policy: 'default',
    },
  },
  {
    method: 'GET',
    path: '/api/v1/inspection-plans',
    as: 'staff',
    query: {
      state: 'draft',
      department: DEPT,
      limit: '5',
      cursor: '2026-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000',
    },
  },
  { method: 'GET', path: '/api/v1/inspection-plans/:id', as: 'staff', params: { id: PLAN_ID } },
  {
    method: 'PUT',
    path: '/api/v1/inspection-plans/:id',
    as: 'officer',
    params: { id: PLAN_ID },
    body: {
      title: '西湖区餐饮服务双随机抽查（修订）',
      items: ['SAMR-FOOD-OPERATION'],
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      budget: 30,
    },
  },
  { method: 'POST', path: '/api/v1/inspection-plans/:id/freeze', as: 'officer', params: { id: PLAN_ID } },
  { method: 'POST', path: '/api/v1/inspection-plans/:id/draw', as: 'officer', params: { id: PLAN_ID } },
  { method: 'GET', path: '/api/v1/inspection-plans/:id/verify', as: 'staff', params: { id: PLAN_ID } },
  { method: 'GET', path: '/api/v1/inspection-plans/:id/snapshot', as: 'staff', params: { id: PLAN_ID } },
  { method: 'POST', path: '/api/v1/inspection-plans/:id/staff', as: 'officer', params: { id: PLAN_ID } },
  {
    method: 'GET',
    path: '/api/v1/inspection-plans/:id/tasks',
    as: 'staff',
    params: { id: PLAN_ID },
    query: { state: 'assigned', mine: 'false', limit: '5', cursor: '3' },
  },
  {
    method: 'POST',
    path: '/api/v1/inspection-tasks/:taskId/result',
    as: 'officer',
    params: { taskId: '1' },
    body: {
      result: 'rectified',
      inspectedOn: '2026-06-01',
      findings: ['未公示许可证'],
      followUp: '责令改正',
    },
  },
  {
    method: 'POST',
    path: '/api/v1/inspection-plans/:id/publications',
    as: 'staff',
    params: { id: PLAN_ID },
    body: { kind: 'plan' },
  },
  { method: 'GET', path: '/api/v1/inspection-plans/:id/publications', as: 'staff', params: { id: PLAN_ID } },
  {
    method: 'GET',
    path: '/api/v1/inspection-plans/:id/publications/:publicationId',
    as: 'staff',
    params: { id: PLAN_ID, publicationId: '1' },
    query: { format: 'csv' },
  },
  {
    method: 'PUT',
    path: '/api/v1/inspection-plans/:id/publications/:publicationId',
    as: 'staff',
    params: { id: PLAN_ID, publicationId: '1' },
  },

  // audit
  {
    method: 'GET',
    path: '/api/v1/audit',
    as: 'auditor',
    query: {
      actor: 'admin',
      action: 'POST /api/v1/cases',
      target: 'case:1',
      result: 'ok',
      since: '2025-01-01',
      until: '2099-01-01',
      limit: '5',
      cursor: '10',
    },
  },
  { method: 'GET', path: '/api/v1/audit/verify', as: 'auditor' },

  // rules
  { method: 'GET', path: '/api/v1/rules', as: 'staff' },
  { method: 'GET', path: '/api/v1/rules/fields', as: 'staff' },
  { method: 'GET', path: '/api/v1/rules/:id', as: 'staff', params: { id: 'hostile-rule' } },
  {
    method: 'GET',
    path: '/api/v1/rules/:id/versions/:version',
    as: 'staff',
    params: { id: 'hostile-rule', version: '1' },
  },
  { method: 'POST', path: '/api/v1/rules', as: 'staff', body: { definition: RULE } },
  {
    method: 'POST',
    path: '/api/v1/rules/:id/versions',
    as: 'staff',
    params: { id: 'hostile-rule' },
    body: { definition: RULE },
  },
  {
    method: 'PUT',
    path: '/api/v1/rules/:id/versions/:version',
    as: 'staff',
    params: { id: 'hostile-rule', version: '1' },
    body: { definition: RULE },
  },
  {
    method: 'DELETE',
    path: '/api/v1/rules/:id/versions/:version',
    as: 'staff',
    params: { id: 'hostile-rule', version: '1' },
  },
  {
    method: 'POST',
    path: '/api/v1/rules/:id/versions/:version/publish',
    as: 'staff',
    params: { id: 'hostile-rule', version: '1' },
    body: { by: '张三' },
  },
  {
    method: 'POST',
    path: '/api/v1/rules/:id/retire',
    as: 'staff',
    params: { id: 'hostile-rule' },
    body: { reason: '不再适用' },
  },
  {
    method: 'POST',
    path: '/api/v1/rules/:id/retire/confirm',
    as: 'staff',
    params: { id: 'hostile-rule' },
    body: { by: '张三' },
  },
  { method: 'DELETE', path: '/api/v1/rules/:id/retire', as: 'staff', params: { id: 'hostile-rule' } },
  {
    method: 'POST',
    path: '/api/v1/rules/:id/versions/:version/backtest',
    as: 'staff',
    params: { id: 'hostile-rule', version: '1' },
    body: { from: '2025-01-01', to: '2025-06-30' },
  },
  {
    method: 'GET',
    path: '/api/v1/rules/:id/versions/:version/backtests/:backtestId',
    as: 'staff',
    params: { id: 'hostile-rule', version: '1', backtestId: '00000000-0000-4000-8000-000000000000' },
  },

  // departments and webhooks
  { method: 'GET', path: '/api/v1/departments', as: 'admin' },
  { method: 'GET', path: '/api/v1/reference/regions', as: 'staff', query: { parent: '330100' } },
  { method: 'GET', path: '/api/v1/reference/industries', as: 'staff' },
  { method: 'GET', path: '/api/v1/departments/:code/webhook', as: 'admin', params: { code: DEPT } },
  {
    method: 'PUT',
    path: '/api/v1/departments/:code/webhook',
    as: 'admin',
    params: { code: DEPT },
    body: { url: 'https://tax.example.gov.cn/lianjian/alerts' },
  },
  {
    method: 'POST',
    path: '/api/v1/departments/:code/webhook/secret/rotate',
    as: 'admin',
    params: { code: '330106-NOPE' },
  },

  // scoring
  { method: 'GET', path: '/api/v1/scoring-models', as: 'admin' },
  {
    method: 'GET',
    path: '/api/v1/scoring-models/:version',
    as: 'admin',
    params: { version: 'scorecard-v1' },
  },
  {
    method: 'GET',
    path: '/api/v1/scoring-models/:version/card',
    as: 'admin',
    params: { version: 'scorecard-v1' },
  },
  {
    method: 'POST',
    path: '/api/v1/scoring-models/:version/activate',
    as: 'admin',
    params: { version: 'scorecard-v0-missing' },
    body: { reason: '回测通过' },
  },
  // The body starts a shadow run (影子评分) of a candidate model; without one, a full run.
  { method: 'POST', path: '/api/v1/score-runs', as: 'admin', body: { shadowModel: 'scorecard-v1.1' } },
  {
    method: 'GET',
    path: '/api/v1/score-runs',
    as: 'admin',
    query: { limit: '5', cursor: '2025-01-01T00:00:00Z' },
  },
  {
    method: 'GET',
    path: '/api/v1/score-runs/:id',
    as: 'admin',
    params: { id: '00000000-0000-4000-8000-000000000000' },
  },
  {
    method: 'GET',
    path: '/api/v1/score-runs/:id/class-flows',
    as: 'admin',
    params: { id: '00000000-0000-4000-8000-000000000000' },
    query: { movers: '5' },
  },
];

// "METHOD /path" of an entry, as the route listing prints it.
export const routeKey = (r: Pick<RouteEntry, 'method' | 'path'>) => `${r.method} ${r.path}`;
