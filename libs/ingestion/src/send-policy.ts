import type { Principal } from '@lianjian/access';
import type { SourceProfile } from './files/source-profile.schema';

// Who may send what (报送权限), checked once here for every path into the records: POST /records,
// file uploads, npm run import and the engine's own case feedback.
//
// - A source (数据源) belongs to one department: a profile's departmentCode, or, for a free-form JSON
//   source, the department that first sent under it (ingest_source). Only that department's callers
//   (its officers, API keys scoped to the source) send under it; an operator without a department
//   (administrator, npm run import) sends for it too. Internal sources are written by the engine only.
// - Each record names the source's department, or one on the profile's allow-list.
// - Only registration authorities (登记机关) change master data: a profile that says so, or a free-form
//   source of a market-regulation department. Regions are checked against the record department's
//   jurisdiction when the batch is applied (BatchRepository).

// The engine writes these itself; no caller may post under them.
export const INTERNAL_SOURCES: ReadonlySet<string> = new Set(['case-feedback', 'random-inspection']);

export interface Sender {
  // How reasons and the binding name the sender.
  name: string;
  // The department the sender acts for; null: an operator who may act for any source's department.
  departmentCode: string | null;
  // The engine itself (case feedback): may write internal sources, for departmentCode only.
  internal: boolean;
}

export interface SourceBinding {
  source: string;
  // The owning department (for an internal source: the sender's); null: none yet, only the allow-list.
  departmentCode: string | null;
  // Further departments the source's records may name (profile allowedDepartments, `*` wildcards).
  allowedDepartments: readonly string[];
  registrationAuthority: boolean;
}

export function senderOf(p: Principal): Sender {
  if (p.kind === 'apiKey')
    return { name: `apikey:${p.name}`, departmentCode: p.departmentCode, internal: false };
  return {
    name: p.username,
    departmentCode: p.role === 'department_officer' ? p.departmentCode : null,
    internal: false,
  };
}

// npm run import and other operator tools: a person at the machine, acting for the profile's department.
export const OPERATOR_SENDER: Sender = { name: 'operator', departmentCode: null, internal: false };

export function internalSender(departmentCode: string): Sender {
  return { name: 'lianjian', departmentCode, internal: true };
}

// Why the sender may not send under this source at all (a 403 for the whole request), or undefined.
export function sourceRefusal(
  source: string,
  sender: Sender,
  owner: string | null | undefined,
): string | undefined {
  if (INTERNAL_SOURCES.has(source))
    return sender.internal
      ? undefined
      : `source ${source} is written by Lianjian itself; send under your own source / 该数据源由系统内部写入，不能报送`;
  if (sender.internal) return `the engine writes only its internal sources, not ${source}`;
  if (owner && sender.departmentCode !== null && sender.departmentCode !== owner)
    return `source ${source} belongs to ${owner}; you act for ${sender.departmentCode} / 该数据源属于其他部门`;
  return undefined;
}

// `*` stands for any run of code characters: "33*-SAMR" is every market regulator of Zhejiang.
export function departmentPatternMatches(pattern: string, code: string): boolean {
  if (!pattern.includes('*')) return pattern === code;
  const re = pattern.replace(/[.]/g, '\\.').replace(/\*/g, '[A-Za-z0-9_.-]*');
  return new RegExp(`^${re}$`).test(code);
}

export function departmentAllowed(binding: SourceBinding, code: string): boolean {
  return (
    code === binding.departmentCode ||
    binding.allowedDepartments.some((p) => departmentPatternMatches(p, code))
  );
}

// The per-record reasons of who may send what (zh-CN and English), empty when the record may be sent.
export function authorityProblems(
  binding: SourceBinding,
  record: { kind?: unknown; departmentCode?: unknown },
): string[] {
  const problems: string[] = [];
  const dept = record.departmentCode;
  if (typeof dept === 'string' && dept && !departmentAllowed(binding, dept))
    problems.push(
      `departmentCode: source ${binding.source} sends for ${binding.departmentCode ?? '-'}` +
        `${binding.allowedDepartments.length ? ` and ${binding.allowedDepartments.join(', ')}` : ''}, not ${dept} / 不能报送其他部门的记录`,
    );
  if (record.kind === 'registration' && !binding.registrationAuthority)
    problems.push(
      `kind: source ${binding.source} is not a registration authority; only registration authorities change master data / 非登记机关不能报送登记信息`,
    );
  return problems;
}

export function profileBinding(profile: SourceProfile): SourceBinding {
  return {
    source: profile.id,
    departmentCode: profile.departmentCode ?? null,
    allowedDepartments: profile.allowedDepartments,
    registrationAuthority: profile.registrationAuthority,
  };
}
