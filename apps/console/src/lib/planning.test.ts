import { describe, expect, it } from 'vitest';
import type { Plan, Task } from '../api/planning';
import {
  EMPTY_PLAN_FORM,
  EMPTY_RESULT_FORM,
  deadlineTone,
  mergeMyTasks,
  mayRecord,
  percent,
  planActions,
  planBody,
  planStep,
  publishBlock,
  ratioOf,
  resultBody,
  sortPending,
  strataRows,
  unassignableText,
} from './planning';

const officer = {
  username: 'officer-xihu',
  role: 'department_officer',
  departmentCode: '330106-SAMR',
  permissions: ['planning:read', 'planning:plan', 'planning:result', 'planning:publish'],
};
const staff = {
  username: 'staff-xihu',
  role: 'supervision_staff',
  departmentCode: '330106-SAMR',
  permissions: ['planning:read', 'planning:publish'],
};
const coordinator = {
  username: 'coordinator-hz',
  role: 'coordinator',
  departmentCode: null,
  permissions: ['planning:read', 'planning:plan', 'planning:publish'],
};
const dept = { kind: 'department' as const, departments: ['330106-SAMR'], author: 'officer-xihu' };

describe('plan form → request body', () => {
  it('sends percentages as ratios, only the overridden classes, and leaves an empty region out', () => {
    const body = planBody({
      ...EMPTY_PLAN_FORM,
      title: '  2027年西湖区餐饮抽查 ',
      items: ['SAMR-FOOD-OPERATION'],
      periodStart: '2027-01-04',
      periodEnd: '2027-03-31',
      budget: 20,
      ratios: { B: 5, D: 100, A: null },
      controlShare: 10,
    });
    expect(body).toEqual({
      title: '2027年西湖区餐饮抽查',
      items: ['SAMR-FOOD-OPERATION'],
      periodStart: '2027-01-04',
      periodEnd: '2027-03-31',
      policy: 'default',
      budget: 20,
      ratios: { B: 0.05, D: 1 },
      controlShare: 0.1,
      exclusions: { inspectedWithinMonths: 12, openCase: true, registeredWithinMonths: 0 },
      teamAvoidanceMonths: 12,
    });
  });

  it('keeps a region, sends no ratios when none is overridden, and leaves a missing budget to the API', () => {
    const body = planBody({ ...EMPTY_PLAN_FORM, regionCode: '330106', openCase: false, budget: null });
    expect(body.regionCode).toBe('330106');
    expect(body).not.toHaveProperty('ratios');
    expect(body).not.toHaveProperty('budget');
    expect(body.exclusions).toMatchObject({ openCase: false });
    expect(body).not.toHaveProperty('departments');
  });

  it("names a coordinator's joint plan's departments", () => {
    const body = planBody({ ...EMPTY_PLAN_FORM, departments: ['330106-SAMR', '330106-TAX'] });
    expect(body.departments).toEqual(['330106-SAMR', '330106-TAX']);
  });

  it('converts percentages without floating-point noise, and passes out-of-range ones for the API to refuse', () => {
    expect(ratioOf(0.35)).toBe(0.0035);
    expect(ratioOf(7)).toBe(0.07);
    expect(ratioOf(150)).toBe(1.5);
    expect(percent(0.0035)).toBe('0.35%');
    expect(percent(0.05)).toBe('5%');
    expect(percent(1)).toBe('100%');
    expect(percent(1 / 30)).toBe('3.33%');
  });
});

describe('state → allowed actions per role', () => {
  it('gives the department officer the next step of the cycle, one at a time', () => {
    expect(planActions(officer, { ...dept, state: 'draft' })).toEqual(['freeze']);
    expect(planActions(officer, { ...dept, state: 'frozen' })).toEqual(['draw']);
    expect(planActions(officer, { ...dept, state: 'drawn' })).toEqual(['staff']);
    expect(planActions(officer, { ...dept, state: 'staffed' })).toEqual([]);
  });

  it("gives nothing to another department's officer, supervision staff, or a coordinator on a department plan", () => {
    const tax = { ...officer, departmentCode: '330106-TAX' };
    expect(planActions(tax, { ...dept, state: 'draft' })).toEqual([]);
    expect(planActions(staff, { ...dept, state: 'draft' })).toEqual([]);
    expect(planActions(coordinator, { ...dept, state: 'draft' })).toEqual([]);
  });

  it('lets only a coordinator move a joint plan', () => {
    const joint = {
      kind: 'joint' as const,
      departments: ['330106-SAMR', '330106-TAX'],
      state: 'frozen' as const,
    };
    expect(planActions(coordinator, joint)).toEqual(['draw']);
    expect(planActions(officer, joint)).toEqual([]);
  });

  it('never lets the author publish, and says what else stands in the way', () => {
    expect(publishBlock(officer, { ...dept, state: 'frozen' }, 'plan', 0)).toBe('author');
    expect(publishBlock(staff, { ...dept, state: 'draft' }, 'plan', 0)).toBe('notFrozen');
    expect(publishBlock(staff, { ...dept, state: 'frozen' }, 'plan', 0)).toBeNull();
    expect(publishBlock(staff, { ...dept, state: 'frozen' }, 'tasks', 0)).toBe('notDrawn');
    expect(publishBlock(staff, { ...dept, state: 'staffed' }, 'results', 0)).toBe('noResults');
    expect(publishBlock(staff, { ...dept, state: 'staffed' }, 'results', 2)).toBeNull();
    expect(
      publishBlock({ ...staff, permissions: ['planning:read'] }, { ...dept, state: 'staffed' }, 'plan', 0),
    ).toBe('permission');
  });

  it('lets a team member record a result only while the task is assigned', () => {
    expect(mayRecord(officer, { state: 'assigned' })).toBe(true);
    expect(mayRecord(officer, { state: 'done' })).toBe(false);
    expect(mayRecord(staff, { state: 'assigned' })).toBe(false);
  });

  it('maps states to the four steps', () => {
    expect(['draft', 'frozen', 'drawn', 'staffed', 'closed'].map((s) => planStep(s as never))).toEqual([
      0, 1, 2, 3, 3,
    ]);
  });
});

describe('expected count per class', () => {
  it('lists control first, then the classes, with the total drawn', () => {
    const expected: Plan['expected'] = {
      asFrozen: false,
      population: { A: 10, B: 20, C: 5, D: 3 },
      allocation: {
        budget: 20,
        used: 12,
        unused: 8,
        scale: 1,
        counts: { control: 2, A: 1, B: 4, C: 2, D: 3 },
        strata: [
          {
            stratum: 'D',
            population: 3,
            ratio: 1,
            wanted: 3,
            count: 3,
            effectiveRatio: 1,
            belowPolicyMinimum: false,
          },
          {
            stratum: 'A',
            population: 10,
            ratio: 0.05,
            wanted: 0.5,
            count: 1,
            effectiveRatio: 0.1,
            belowPolicyMinimum: false,
          },
          {
            stratum: 'control',
            population: 38,
            ratio: 0.1,
            wanted: 2,
            count: 2,
            effectiveRatio: 0.05,
            belowPolicyMinimum: false,
          },
          {
            stratum: 'B',
            population: 20,
            ratio: 0.2,
            wanted: 4,
            count: 4,
            effectiveRatio: 0.2,
            belowPolicyMinimum: false,
          },
          {
            stratum: 'C',
            population: 5,
            ratio: 0.5,
            wanted: 2.5,
            count: 2,
            effectiveRatio: 0.4,
            belowPolicyMinimum: true,
          },
        ],
      },
    };
    const { rows, total } = strataRows(expected);
    expect(rows.map((r) => r.stratum)).toEqual(['control', 'A', 'B', 'C', 'D']);
    expect(total).toBe(12);
    expect(rows.find((r) => r.stratum === 'C')).toMatchObject({ count: 2, belowPolicyMinimum: true });
    expect(strataRows(null)).toEqual({ rows: [], total: 0 });
  });
});

describe('publication deadlines', () => {
  const p = (
    taskNo: number,
    publishDue: string | null,
    overdue: boolean,
    workingDaysLeft: number | null,
  ) => ({
    taskId: `t${taskNo}`,
    taskNo,
    inspectedOn: '2026-12-01',
    publishDue,
    overdue,
    workingDaysLeft,
  });

  it('highlights overdue results, warns three working days ahead', () => {
    expect(deadlineTone(p(1, '2026-11-30', true, 0))).toBe('overdue');
    expect(deadlineTone(p(2, '2026-12-10', false, 3))).toBe('soon');
    expect(deadlineTone(p(3, '2026-12-29', false, 15))).toBe('ok');
    expect(deadlineTone(p(4, null, false, null))).toBe('unknown');
  });

  it('lists overdue first, then by deadline', () => {
    const sorted = sortPending([
      p(3, '2026-12-29', false, 15),
      p(2, '2026-12-10', false, 3),
      p(1, '2026-11-30', true, 0),
    ]);
    expect(sorted.map((x) => x.taskNo)).toEqual([1, 2, 3]);
  });
});

describe('result form → request body', () => {
  it('sends findings one per line, and the violations only when counted', () => {
    expect(
      resultBody({
        ...EMPTY_RESULT_FORM,
        result: 'rectified',
        inspectedOn: '2026-12-01 ',
        findings: '未公示食品经营许可证\n\n  从业人员健康证过期 \n',
        followUp: ' 责令改正 ',
        serious: 1,
      }),
    ).toEqual({
      result: 'rectified',
      inspectedOn: '2026-12-01',
      findings: ['未公示食品经营许可证', '从业人员健康证过期'],
      followUp: '责令改正',
      violations: { critical: 0, serious: 1, minor: 0 },
    });
    expect(resultBody({ ...EMPTY_RESULT_FORM, result: 'no_issue', inspectedOn: '2026-12-01' })).toEqual({
      result: 'no_issue',
      inspectedOn: '2026-12-01',
    });
  });
});

describe('unassignable reasons and my tasks', () => {
  it('names the reason a task could not be staffed', () => {
    expect(unassignableText({ code: 'too_few', needed: 2, eligible: 1, avoided: 1 })).toEqual({
      key: 'too_few',
      vars: { needed: 2, eligible: 1, avoided: 1 },
    });
    expect(
      unassignableText({
        code: 'no_inspector',
        departmentCode: '330106-SAMR',
        regionCode: null,
        domains: [],
      }),
    ).toEqual({
      key: 'no_inspector',
      vars: { department: '330106-SAMR', region: '—' },
    });
    expect(unassignableText({ code: 'mystery' })?.key).toBe('other');
    expect(unassignableText(null)).toBeNull();
  });

  it('puts the open tasks of every plan first', () => {
    const t = (planId: string, taskNo: number, state: Task['state']) => ({ planId, taskNo, state }) as Task;
    const merged = mergeMyTasks([
      { plan: { id: 'p2', title: 'Plan B' }, tasks: [t('p2', 1, 'done'), t('p2', 4, 'assigned')] },
      { plan: { id: 'p1', title: 'Plan A' }, tasks: [t('p1', 2, 'assigned')] },
    ]);
    expect(merged.map((x) => `${x.planTitle}#${x.taskNo}`)).toEqual(['Plan A#2', 'Plan B#4', 'Plan B#1']);
  });
});
