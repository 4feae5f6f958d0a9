import type { MigrationInterface, QueryRunner } from 'typeorm';

// 联合执法案件: the case loop 线索推送 → 核查处置 → 结果反馈. A case gathers alerts about one
// entity (an alert belongs to at most one case), has one task per participating department and
// round, and keeps every state change with who made it and why (append-only). The state machine
// itself lives in @lianjian/cases; the CHECKs here only keep the vocabulary.
export class Cases1764900000000 implements MigrationInterface {
  name = 'Cases1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE enforcement_case (
        id bigserial PRIMARY KEY,
        case_type text NOT NULL,
        entity_id bigint NOT NULL REFERENCES entity (id),
        title text NOT NULL,
        state text NOT NULL CHECK (state IN ('open', 'dispatched', 'in_progress', 'awaiting_feedback', 'closed', 'reopened')),
        -- Dispatching a reopened case starts a new round of tasks; earlier rounds are kept.
        round integer NOT NULL DEFAULT 1 CHECK (round >= 1),
        lead_department text NOT NULL REFERENCES department (code),
        -- The participating departments (参与部门): each gets a task when the case is dispatched.
        departments text[] NOT NULL CHECK (cardinality(departments) >= 1),
        origin text NOT NULL CHECK (origin IN ('manual', 'auto')),
        opened_by text NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        -- By when the case must be dispatched (from its type's SLA; reset when it is reopened).
        due_at timestamptz NOT NULL,
        dispatched_at timestamptz,
        dispatched_by text,
        -- By when every department must report in the current round.
        feedback_due_at timestamptz,
        closed_at timestamptz,
        closed_by text,
        outcome text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT enforcement_case_closed CHECK (state <> 'closed' OR (closed_at IS NOT NULL AND outcome IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX enforcement_case_entity ON enforcement_case (entity_id)`);
    await q.query(`CREATE INDEX enforcement_case_state ON enforcement_case (state, id DESC)`);

    await q.query(`
      CREATE TABLE case_alert (
        alert_id bigint PRIMARY KEY REFERENCES alert (id),
        case_id bigint NOT NULL REFERENCES enforcement_case (id) ON DELETE CASCADE,
        how text NOT NULL CHECK (how IN ('opened', 'merged', 'auto')),
        added_by text NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX case_alert_case ON case_alert (case_id)`);

    await q.query(`
      CREATE TABLE case_task (
        id bigserial PRIMARY KEY,
        case_id bigint NOT NULL REFERENCES enforcement_case (id) ON DELETE CASCADE,
        round integer NOT NULL,
        department_code text NOT NULL REFERENCES department (code),
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'reported')),
        due_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        accepted_at timestamptz,
        accepted_by text,
        reported_at timestamptz,
        reported_by text,
        verified boolean,
        action_taken text,
        penalty jsonb,
        inspection jsonb,
        -- The canonical record the result became (source case-feedback), and the batch that carried it.
        record_source_record_id text,
        record_batch_id uuid,
        reminded_at timestamptz,
        reminder_alert_id bigint REFERENCES alert (id),
        escalated_at timestamptz,
        escalation_alert_id bigint REFERENCES alert (id),
        CONSTRAINT case_task_department UNIQUE (case_id, round, department_code),
        CONSTRAINT case_task_reported CHECK (state <> 'reported' OR (reported_at IS NOT NULL AND verified IS NOT NULL AND action_taken IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX case_task_by_department ON case_task (department_code, case_id)`);
    // The overdue check reads only unfinished tasks not yet escalated.
    await q.query(
      `CREATE INDEX case_task_due ON case_task (due_at) WHERE state <> 'reported' AND escalated_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE case_transition (
        id bigserial PRIMARY KEY,
        case_id bigint NOT NULL REFERENCES enforcement_case (id),
        from_state text,
        to_state text NOT NULL,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        reason text,
        detail jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX case_transition_case ON case_transition (case_id, id)`);
    await q.query(`
      CREATE FUNCTION case_transition_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'case_transition is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER case_transition_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON case_transition
        FOR EACH STATEMENT EXECUTE FUNCTION case_transition_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_transition`);
    await q.query(`DROP FUNCTION case_transition_append_only()`);
    await q.query(`DROP TABLE case_task`);
    await q.query(`DROP TABLE case_alert`);
    await q.query(`DROP TABLE enforcement_case`);
  }
}
