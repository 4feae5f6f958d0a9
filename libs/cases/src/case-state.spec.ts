import {
  CASE_STATES,
  CASE_TRANSITIONS,
  caseStateAfterTasks,
  checkCaseTransition,
  checkTaskTransition,
  type CaseState,
  type TaskState,
} from './case-state';

const tasks = (...states: TaskState[]) => states.map((state) => ({ state }));

describe('case state machine', () => {
  it('allows the loop open → dispatched → in_progress → awaiting_feedback → closed → reopened → dispatched', () => {
    const loop: CaseState[] = [
      'open',
      'dispatched',
      'in_progress',
      'awaiting_feedback',
      'closed',
      'reopened',
      'dispatched',
    ];
    for (let i = 1; i < loop.length; i++)
      expect(checkCaseTransition(loop[i - 1], loop[i])).toEqual({ ok: true });
  });

  it('lets a case be withdrawn before dispatch and closed again after reopening', () => {
    expect(checkCaseTransition('open', 'closed').ok).toBe(true);
    expect(checkCaseTransition('reopened', 'closed').ok).toBe(true);
  });

  it('refuses every other move, naming the moves allowed from the current state', () => {
    const allowed = new Set(
      Object.entries(CASE_TRANSITIONS).flatMap(([f, tos]) => tos.map((t) => `${f}>${t}`)),
    );
    let refused = 0;
    for (const from of CASE_STATES)
      for (const to of CASE_STATES) {
        if (allowed.has(`${from}>${to}`)) continue;
        const r = checkCaseTransition(from, to, '7');
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.message).toContain(`case 7 is ${from}`);
          expect(r.message).toContain(`cannot go to ${to}`);
          for (const ok of CASE_TRANSITIONS[from]) expect(r.message).toContain(ok);
        }
        refused++;
      }
    expect(refused).toBe(CASE_STATES.length ** 2 - allowed.size);
    const r = checkCaseTransition('dispatched', 'closed', '7');
    expect(r).toEqual({
      ok: false,
      message:
        'case 7 is dispatched (已派发) and cannot go to closed; from dispatched it may go to: in_progress (a department accepts its task)',
    });
  });

  it('moves a case by its tasks: first acceptance starts it, the last report makes it closable', () => {
    expect(caseStateAfterTasks('dispatched', tasks('pending', 'pending'))).toBe('dispatched');
    expect(caseStateAfterTasks('dispatched', tasks('accepted', 'pending'))).toBe('in_progress');
    expect(caseStateAfterTasks('in_progress', tasks('reported', 'accepted'))).toBe('in_progress');
    expect(caseStateAfterTasks('in_progress', tasks('reported', 'reported'))).toBe('awaiting_feedback');
    // One step at a time: dispatched passes through in_progress.
    expect(caseStateAfterTasks('dispatched', tasks('reported'))).toBe('in_progress');
    expect(caseStateAfterTasks('in_progress', tasks('reported'))).toBe('awaiting_feedback');
    // Tasks never move a case that is not being worked on, nor one without tasks.
    for (const s of ['open', 'awaiting_feedback', 'closed', 'reopened'] as const)
      expect(caseStateAfterTasks(s, tasks('reported'))).toBe(s);
    expect(caseStateAfterTasks('in_progress', [])).toBe('in_progress');
  });
});

describe('task state machine', () => {
  it('goes pending → accepted → reported while the case is being worked on', () => {
    expect(checkTaskTransition('pending', 'accepted', 'dispatched').ok).toBe(true);
    expect(checkTaskTransition('accepted', 'reported', 'in_progress').ok).toBe(true);
  });

  it('refuses to report before accepting, to act twice, and to act on a case not being worked on', () => {
    const early = checkTaskTransition('pending', 'reported', 'in_progress', 'task of 330106-TAX');
    expect(early).toEqual({
      ok: false,
      message:
        'task of 330106-TAX is pending (待签收) and cannot be reported; from pending it may only be accepted',
    });
    const twice = checkTaskTransition('reported', 'reported', 'in_progress');
    expect(!twice.ok && twice.message).toContain('a reported result is final for this round');
    for (const s of ['open', 'awaiting_feedback', 'closed', 'reopened'] as const) {
      const r = checkTaskTransition('pending', 'accepted', s);
      expect(!r.ok && r.message).toContain(`while its case is ${s}`);
    }
  });
});
