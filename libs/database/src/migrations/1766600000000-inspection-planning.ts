import type { MigrationInterface, QueryRunner } from 'typeorm';

// 双随机、一公开 (issue 16): the inspector directory (执法检查人员名录库) with declared conflicts, and
// inspection plans — a plan's frozen population snapshot, its drawn tasks with their teams and
// results, and what was published of it. The draw itself, the allocation and the staffing live in
// @lianjian/planning; the CHECKs here keep the vocabulary and the one-way facts (a frozen plan's
// snapshot and commitment never change, a publication is never edited).
export class InspectionPlanning1766600000000 implements MigrationInterface {
  name = 'InspectionPlanning1766600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inspector (
        id bigserial PRIMARY KEY,
        department_code text NOT NULL REFERENCES department (code),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        -- 执法证号: unique across the directory
        certificate_no text NOT NULL UNIQUE CHECK (length(certificate_no) BETWEEN 4 AND 40),
        domains text[] NOT NULL CHECK (cardinality(domains) >= 1),
        region_code text NOT NULL CHECK (region_code ~ '^[0-9]{6}$'),
        active boolean NOT NULL DEFAULT true,
        phone text,
        -- the user account the inspector signs in with: only a task's inspectors record its result
        user_id bigint UNIQUE REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX inspector_department ON inspector (department_code, active)`);

    // Declared conflicts of interest (利害关系): the inspector must not inspect the entity, nor its
    // related parties (same legal representative or registered address).
    await q.query(`
      CREATE TABLE inspector_conflict (
        id bigserial PRIMARY KEY,
        inspector_id bigint NOT NULL REFERENCES inspector (id) ON DELETE CASCADE,
        entity_id bigint NOT NULL REFERENCES entity (id),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
        declared_at timestamptz NOT NULL DEFAULT now(),
        declared_by text NOT NULL,
        CONSTRAINT inspector_conflict_once UNIQUE (inspector_id, entity_id)
      )`);
    await q.query(`CREATE INDEX inspector_conflict_entity ON inspector_conflict (entity_id)`);

    await q.query(`
      CREATE TABLE inspection_plan (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('department', 'joint')),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        -- the planning department first; a joint plan lists every participating department
        department_codes text[] NOT NULL CHECK (cardinality(department_codes) >= 1),
        region_code text CHECK (region_code ~ '^[0-9]{6}$'),
        items jsonb NOT NULL,
        population_filter jsonb NOT NULL DEFAULT '{}',
        exclusions jsonb NOT NULL DEFAULT '{}',
        period_start date NOT NULL,
        period_end date NOT NULL CHECK (period_end >= period_start),
        budget integer NOT NULL CHECK (budget >= 1),
        policy jsonb NOT NULL,
        state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'frozen', 'drawn', 'staffed', 'closed')),
        author text NOT NULL,
        author_user_id bigint REFERENCES app_user (id),
        -- at freeze: per-class population, the allocation, the snapshot's hash and size, the seed's commitment
        population_counts jsonb,
        allocation jsonb,
        snapshot_hash text CHECK (snapshot_hash ~ '^[0-9a-f]{64}$'),
        snapshot_size integer,
        seed_commitment text CHECK (seed_commitment ~ '^[0-9a-f]{64}$'),
        -- kept secret until the draw, then revealed (published) with the list
        seed text CHECK (seed ~ '^[0-9a-f]{64}$'),
        algorithm text,
        frozen_at timestamptz,
        frozen_by text,
        drawn_at timestamptz,
        drawn_by text,
        staffed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT inspection_plan_frozen CHECK (state = 'draft' OR (snapshot_hash IS NOT NULL AND seed_commitment IS NOT NULL AND seed IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX inspection_plan_state ON inspection_plan (state, created_at DESC)`);
    await q.query(`CREATE INDEX inspection_plan_departments ON inspection_plan USING gin (department_codes)`);
    // A frozen plan's snapshot, commitment and seed are facts: no update changes them.
    await q.query(`
      CREATE FUNCTION inspection_plan_frozen_facts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.state <> 'draft' AND (
             NEW.snapshot_hash IS DISTINCT FROM OLD.snapshot_hash OR NEW.seed_commitment IS DISTINCT FROM OLD.seed_commitment
          OR NEW.seed IS DISTINCT FROM OLD.seed OR NEW.allocation IS DISTINCT FROM OLD.allocation
          OR NEW.items IS DISTINCT FROM OLD.items OR NEW.budget IS DISTINCT FROM OLD.budget
          OR NEW.policy IS DISTINCT FROM OLD.policy OR NEW.state = 'draft') THEN
          RAISE EXCEPTION 'inspection plan % is frozen: its snapshot, seed and allocation cannot change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER inspection_plan_frozen_facts BEFORE UPDATE ON inspection_plan
        FOR EACH ROW EXECUTE FUNCTION inspection_plan_frozen_facts()`);

    // The frozen population (抽查对象名录快照), in canonical order (ord): what the draw ran on.
    await q.query(`
      CREATE TABLE plan_population (
        plan_id uuid NOT NULL REFERENCES inspection_plan (id) ON DELETE CASCADE,
        ord integer NOT NULL,
        entity_id bigint NOT NULL,
        uscc text,
        risk_class text NOT NULL CHECK (risk_class IN ('A', 'B', 'C', 'D')),
        PRIMARY KEY (plan_id, ord)
      )`);

    await q.query(`
      CREATE TABLE plan_task (
        id bigserial PRIMARY KEY,
        plan_id uuid NOT NULL REFERENCES inspection_plan (id),
        task_no integer NOT NULL,
        entity_id bigint NOT NULL REFERENCES entity (id),
        stratum text NOT NULL CHECK (stratum IN ('control', 'A', 'B', 'C', 'D')),
        risk_class text NOT NULL CHECK (risk_class IN ('A', 'B', 'C', 'D')),
        -- the plan's items that apply to the entity, and the departments they belong to
        items text[] NOT NULL,
        department_codes text[] NOT NULL,
        state text NOT NULL DEFAULT 'drawn' CHECK (state IN ('drawn', 'assigned', 'unassignable', 'done')),
        inspector_ids bigint[] NOT NULL DEFAULT '{}',
        unassignable jsonb,
        result text CHECK (result IN ('no_issue', 'rectified', 'non_compliant', 'not_found', 'not_operating')),
        findings text,
        follow_up text,
        inspected_on date,
        recorded_by text,
        recorded_at timestamptz,
        record_source_record_ids text[],
        case_id bigint REFERENCES enforcement_case (id),
        -- 一公开: the last day to publish the result (20 working days after the inspection), and when it was
        publish_due date,
        published_at timestamptz,
        overdue_alerted_at timestamptz,
        CONSTRAINT plan_task_no UNIQUE (plan_id, task_no),
        CONSTRAINT plan_task_result CHECK (state <> 'done' OR (result IS NOT NULL AND inspected_on IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX plan_task_entity ON plan_task (entity_id)`);
    await q.query(`CREATE INDEX plan_task_inspectors ON plan_task USING gin (inspector_ids)`);
    await q.query(
      `CREATE INDEX plan_task_publish_due ON plan_task (publish_due) WHERE state = 'done' AND published_at IS NULL`,
    );

    // 一公开: what was published, as published (append-only: a correction is a new publication).
    await q.query(`
      CREATE TABLE plan_publication (
        id bigserial PRIMARY KEY,
        plan_id uuid NOT NULL REFERENCES inspection_plan (id),
        kind text NOT NULL CHECK (kind IN ('plan', 'tasks', 'results')),
        seq integer NOT NULL,
        content jsonb NOT NULL,
        published_by text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT plan_publication_seq UNIQUE (plan_id, kind, seq)
      )`);
    await q.query(`
      CREATE FUNCTION plan_publication_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'plan_publication is append-only: % refused (a published announcement is never edited)', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER plan_publication_append_only BEFORE UPDATE OR DELETE ON plan_publication
        FOR EACH ROW EXECUTE FUNCTION plan_publication_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE plan_publication`);
    await q.query(`DROP FUNCTION plan_publication_append_only()`);
    await q.query(`DROP TABLE plan_task`);
    await q.query(`DROP TABLE plan_population`);
    await q.query(`DROP TABLE inspection_plan`);
    await q.query(`DROP FUNCTION inspection_plan_frozen_facts()`);
    await q.query(`DROP TABLE inspector_conflict`);
    await q.query(`DROP TABLE inspector`);
  }
}
