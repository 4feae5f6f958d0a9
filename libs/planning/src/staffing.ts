import type { Domain } from '@lianjian/domain';
import { regionPrefix } from '@lianjian/reference';
import { DrawStream, sampleWithoutReplacement } from './draw';

// 随机选派执法检查人员: each task gets a team drawn at random from the competent department's
// inspector directory (执法检查人员名录库), the second random of 双随机. An inspector may join a task's
// team when they are active, belong to a department the task needs, cover every domain of that
// department's items on the task, and their region covers the entity's (a city inspector covers the
// city's counties) — and are not to be avoided (回避): not declared in conflict with the entity or any
// of its related parties, and not on a team that inspected the same entity within the avoidance
// window (both computed by the caller from the directory and the task history and passed in
// `avoid`). A task needs `teamSize` inspectors (two: an inspection takes two enforcement officers);
// a joint task (跨部门联合抽查, several departments' items on one entity) gets at least one inspector
// of every department on it, so one visit covers every department's items (进一次门、查多项事), and at
// least `teamSize` in all. A task that cannot be staffed so is unassignable with the reason, never
// staffed with an inspector who should have been avoided.
//
// The choice is random and verifiable like the draw: task by task in task order, stream label
// `team|<taskNo>`, each department's pick a partial Fisher–Yates over its eligible inspectors sorted by
// id. To spread the work, inspectors below their department's fair share (ceil(slots / eligible
// inspectors) + 1) are preferred; the cap gives way only when no one else is left.

export interface Inspector {
  id: string;
  departmentCode: string;
  domains: readonly Domain[];
  regionCode: string;
  active: boolean;
}

export type AvoidReason = 'declared_conflict' | 'related_party_conflict' | 'inspected_recently';

export interface StaffingTask {
  taskNo: number;
  entityRegionCode: string | null;
  // per department on the task, the domains of its items that apply to the entity
  departments: ReadonlyMap<string, readonly Domain[]>;
  // inspectors who must not inspect this entity, and why
  avoid?: ReadonlyMap<string, AvoidReason>;
}

export type UnassignableReason =
  | { code: 'no_inspector'; departmentCode: string; regionCode: string | null; domains: Domain[] }
  | { code: 'all_avoided'; departmentCode: string; avoided: number }
  | { code: 'too_few'; needed: number; eligible: number; avoided: number };

export interface TeamAssignment {
  taskNo: number;
  inspectorIds: string[]; // empty when unassignable
  unassignable?: UnassignableReason;
  avoided: number; // eligible but avoided (回避) for this task
}

export interface StaffingInput {
  planId: string;
  seedHex: string;
  tasks: readonly StaffingTask[];
  inspectors: readonly Inspector[];
  teamSize?: number;
}

export function staff(input: StaffingInput): TeamAssignment[] {
  const teamSize = input.teamSize ?? 2;
  const byDept = new Map<string, Inspector[]>();
  for (const i of [...input.inspectors].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (!i.active) continue;
    const list = byDept.get(i.departmentCode) ?? [];
    list.push(i);
    byDept.set(i.departmentCode, list);
  }
  // fair share per department: the team slots it will fill over the plan, over its active inspectors
  const slots = new Map<string, number>();
  for (const t of input.tasks)
    for (const d of t.departments.keys())
      slots.set(d, (slots.get(d) ?? 0) + Math.max(1, Math.ceil(teamSize / t.departments.size)));
  const cap = new Map<string, number>();
  for (const [d, n] of slots) cap.set(d, Math.ceil(n / Math.max(1, byDept.get(d)?.length ?? 1)) + 1);
  const load = new Map<string, number>();
  // Each inspector once in the directory (ids unique): a pool's size is then its distinct count.
  const uniqueIds = new Set(input.inspectors.map((i) => i.id)).size === input.inspectors.length;
  // The qualified inspectors of a department for a set of domains and an entity's region, in id
  // order: the same for every task alike (a plan has a few such combinations for thousands of
  // tasks), so computed once each; never mutated (every use below filters or copies).
  const prefixes = new Map<string, string>();
  const prefixOf = (region: string) => {
    let p = prefixes.get(region);
    if (p === undefined) prefixes.set(region, (p = regionPrefix(region)));
    return p;
  };
  const qualifiedCache = new Map<string, Inspector[]>();
  const qualifiedFor = (dept: string, domains: readonly Domain[], entityRegion: string | null) => {
    const key = `${dept}\u0000${domains.join(',')}\u0000${entityRegion ?? ''}`;
    let list = qualifiedCache.get(key);
    if (!list) {
      list = (byDept.get(dept) ?? []).filter(
        (i) =>
          domains.every((d) => i.domains.includes(d)) &&
          !!entityRegion &&
          entityRegion.startsWith(prefixOf(i.regionCode)),
      );
      qualifiedCache.set(key, list);
    }
    return list;
  };

  const out: TeamAssignment[] = [];
  for (const t of input.tasks) {
    const stream = new DrawStream(input.seedHex, input.planId, `team|${t.taskNo}`);
    const eligibleByDept = new Map<string, Inspector[]>();
    let avoided = 0;
    let problem: UnassignableReason | undefined;
    for (const [dept, domains] of [...t.departments].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const qualified = qualifiedFor(dept, domains, t.entityRegionCode);
      const free = t.avoid?.size ? qualified.filter((i) => !t.avoid!.has(i.id)) : qualified;
      avoided += qualified.length - free.length;
      if (!qualified.length && !problem)
        problem = {
          code: 'no_inspector',
          departmentCode: dept,
          regionCode: t.entityRegionCode,
          domains: [...domains],
        };
      else if (!free.length && !problem)
        problem = { code: 'all_avoided', departmentCode: dept, avoided: qualified.length };
      eligibleByDept.set(dept, free);
    }
    if (problem) {
      out.push({ taskNo: t.taskNo, inspectorIds: [], unassignable: problem, avoided });
      continue;
    }
    let distinct = 0;
    if (uniqueIds) for (const list of eligibleByDept.values()) distinct += list.length;
    else distinct = new Set([...eligibleByDept.values()].flat().map((i) => i.id)).size;
    if (distinct < teamSize) {
      out.push({
        taskNo: t.taskNo,
        inspectorIds: [],
        unassignable: { code: 'too_few', needed: teamSize, eligible: distinct, avoided },
        avoided,
      });
      continue;
    }
    const chosen: Inspector[] = [];
    const taken = new Set<string>();
    const pick = (from: Inspector[], k: number) => {
      const left: Inspector[] = [];
      const underCap: Inspector[] = [];
      for (const i of from) {
        if (taken.has(i.id)) continue;
        left.push(i);
        if ((load.get(i.id) ?? 0) < (cap.get(i.departmentCode) ?? Infinity)) underCap.push(i);
      }
      const first = sampleWithoutReplacement(underCap, Math.min(k, underCap.length), stream);
      // the rest only when the team is still short (a draw of none takes nothing from the stream)
      const rest = first.length < k ? left.filter((i) => !first.includes(i)) : [];
      const more = sampleWithoutReplacement(rest, Math.min(k - first.length, rest.length), stream);
      for (const i of [...first, ...more]) {
        chosen.push(i);
        taken.add(i.id);
      }
    };
    // one of each department first (a joint team), then the rest of the team from every department
    const depts = [...eligibleByDept.keys()];
    if (depts.length > 1) for (const d of depts) pick(eligibleByDept.get(d)!, 1);
    else pick(eligibleByDept.get(depts[0])!, teamSize);
    if (chosen.length < teamSize) pick([...eligibleByDept.values()].flat(), teamSize - chosen.length);
    for (const i of chosen) load.set(i.id, (load.get(i.id) ?? 0) + 1);
    out.push({ taskNo: t.taskNo, inspectorIds: chosen.map((i) => i.id), avoided });
  }
  return out;
}
