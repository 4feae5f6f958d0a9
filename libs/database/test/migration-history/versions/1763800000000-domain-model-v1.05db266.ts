import type { MigrationInterface, QueryRunner } from 'typeorm';

// Domain model v1: departments, market entities, canonical records with version history, ingest
// batches (staged items and rejections), profiles, scores, rules, alerts and deliveries.
// Committed migrations are never edited; a change is a new migration.
export class DomainModelV11763800000000 implements MigrationInterface {
  name = 'DomainModelV11763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE department (
        code text PRIMARY KEY CHECK (code ~ '^[0-9A-Za-z][0-9A-Za-z_.-]{0,63}$'),
        name text NOT NULL,
        name_en text,
        domains text[] NOT NULL DEFAULT '{}',
        region_code text NOT NULL CHECK (region_code ~ '^[0-9]{6}$'),
        level text NOT NULL CHECK (level IN ('province', 'city', 'county')),
        webhook_url text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX department_region ON department (region_code)`);

    // 市场主体. Found by USCC or by an external id (scheme, id) for entities outside China.
    await q.query(`
      CREATE TABLE entity (
        id bigserial PRIMARY KEY,
        uscc text UNIQUE CHECK (length(uscc) = 18),
        ext_scheme text,
        ext_id text,
        name text,
        entity_type text,
        region_code text CHECK (region_code ~ '^[0-9]{6}$'),
        industry_code text,
        established_on date,
        registered_capital numeric(20, 2),
        status text,
        legal_rep_name text,
        legal_rep_id_number text,
        address text,
        -- true until a registration record has supplied master data (flagged for review)
        provisional boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT entity_key CHECK (uscc IS NOT NULL OR (ext_scheme IS NOT NULL AND ext_id IS NOT NULL)),
        CONSTRAINT entity_external_key UNIQUE (ext_scheme, ext_id)
      )`);
    await q.query(
      `CREATE INDEX entity_legal_rep ON entity (legal_rep_id_number) WHERE legal_rep_id_number IS NOT NULL`,
    );
    await q.query(`CREATE INDEX entity_address ON entity (address) WHERE address IS NOT NULL`);
    await q.query(`CREATE INDEX entity_region ON entity (region_code text_pattern_ops)`);

    await q.query(`
      CREATE TABLE ingest_batch (
        id uuid PRIMARY KEY,
        source text NOT NULL,
        origin text NOT NULL DEFAULT 'api',
        status text NOT NULL CHECK (status IN ('queued', 'processing', 'done', 'failed')),
        received integer NOT NULL,
        accepted integer NOT NULL,
        rejected integer NOT NULL,
        inserted integer,
        updated integer,
        unchanged integer,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX ingest_batch_pending ON ingest_batch (created_at) WHERE status IN ('queued', 'processing')`,
    );

    // Valid records of a batch, durable before the API answers 202; applied by the ingest job.
    await q.query(`
      CREATE TABLE ingest_item (
        batch_id uuid NOT NULL REFERENCES ingest_batch (id) ON DELETE CASCADE,
        idx integer NOT NULL,
        source_record_id text NOT NULL,
        kind text NOT NULL,
        entity_uscc text,
        entity_scheme text,
        entity_ext_id text,
        department_code text NOT NULL,
        occurred_at date NOT NULL,
        data jsonb NOT NULL,
        content_hash text NOT NULL,
        PRIMARY KEY (batch_id, idx)
      )`);

    // Rejected input is kept with its reasons for correction, never dropped.
    await q.query(`
      CREATE TABLE ingest_rejection (
        batch_id uuid NOT NULL REFERENCES ingest_batch (id) ON DELETE CASCADE,
        idx integer NOT NULL,
        source_record_id text,
        raw jsonb,
        reasons text[] NOT NULL,
        PRIMARY KEY (batch_id, idx)
      )`);

    await q.query(`
      CREATE TABLE record (
        id bigserial PRIMARY KEY,
        source text NOT NULL,
        source_record_id text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        kind text NOT NULL CHECK (kind IN ('inspection', 'penalty', 'listing', 'complaint', 'obligation_default', 'registration')),
        -- No foreign keys on entity_id and department_code: the apply step resolves the entity in the
        -- same transaction and ingestion refuses unknown departments (never deleted), and the FK
        -- triggers doubled the cost of bulk ingest (measured: 750 of 1,657 ms for 36,668 rows).
        entity_id bigint NOT NULL,
        department_code text NOT NULL,
        occurred_at date NOT NULL,
        data jsonb NOT NULL,
        content_hash text NOT NULL,
        batch_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT record_source_key UNIQUE (source, source_record_id)
      )`);
    await q.query(`CREATE INDEX record_entity ON record (entity_id, occurred_at)`);
    await q.query(`CREATE INDEX record_batch ON record (batch_id)`);

    // Earlier versions of a record that a re-send replaced.
    await q.query(`
      CREATE TABLE record_version (
        record_id bigint NOT NULL REFERENCES record (id) ON DELETE CASCADE,
        version integer NOT NULL,
        kind text NOT NULL,
        entity_id bigint NOT NULL,
        department_code text NOT NULL,
        occurred_at date NOT NULL,
        data jsonb NOT NULL,
        content_hash text NOT NULL,
        batch_id uuid NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_to timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (record_id, version)
      )`);

    // 信用画像: the entity's current profile (features as of a date).
    await q.query(`
      CREATE TABLE profile (
        entity_id bigint PRIMARY KEY REFERENCES entity (id),
        as_of date NOT NULL,
        features jsonb NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now()
      )`);

    // Score history: every score keeps its model version and each factor's value and points.
    await q.query(`
      CREATE TABLE score (
        id bigserial PRIMARY KEY,
        entity_id bigint NOT NULL REFERENCES entity (id),
        model_version text NOT NULL,
        as_of date NOT NULL,
        score numeric(7, 2) NOT NULL,
        -- score = base_points + Σ factors[].points (clamped) + floor_lift: every number is explained
        base_points numeric(9, 2) NOT NULL,
        raw_score numeric(9, 2) NOT NULL,
        floor_lift numeric(7, 2) NOT NULL DEFAULT 0,
        class_before_floors char(1) NOT NULL,
        risk_class char(1) NOT NULL CHECK (risk_class IN ('A', 'B', 'C', 'D')),
        previous_class char(1),
        factors jsonb NOT NULL,
        floors jsonb NOT NULL DEFAULT '[]',
        inputs_hash text NOT NULL,
        trigger text NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX score_entity ON score (entity_id, id DESC)`);

    // The current score of each entity: the only table the risk list reads.
    await q.query(`
      CREATE TABLE entity_risk (
        entity_id bigint PRIMARY KEY REFERENCES entity (id),
        score_id bigint NOT NULL REFERENCES score (id),
        score numeric(7, 2) NOT NULL,
        risk_class char(1) NOT NULL,
        model_version text NOT NULL,
        region_code text,
        industry_code text,
        top_factors jsonb NOT NULL,
        scored_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX entity_risk_rank ON entity_risk (score DESC, entity_id DESC)`);
    await q.query(
      `CREATE INDEX entity_risk_region_rank ON entity_risk (region_code text_pattern_ops, score DESC, entity_id DESC)`,
    );

    await q.query(`
      CREATE TABLE rule (
        id text NOT NULL,
        version integer NOT NULL,
        status text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
        definition jsonb NOT NULL,
        definition_hash text NOT NULL,
        created_by text NOT NULL,
        published_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        PRIMARY KEY (id, version)
      )`);

    // 一处发现、多方联动: one alert per finding, one delivery per routed department.
    await q.query(`
      CREATE TABLE alert (
        id bigserial PRIMARY KEY,
        alert_key text NOT NULL,
        rule_id text NOT NULL,
        rule_version integer NOT NULL,
        entity_id bigint NOT NULL REFERENCES entity (id),
        finding_type text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        title jsonb NOT NULL,
        explanation jsonb NOT NULL,
        trigger_record_ids bigint[] NOT NULL DEFAULT '{}',
        occurrences integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (rule_id, rule_version) REFERENCES rule (id, version)
      )`);
    await q.query(`CREATE UNIQUE INDEX alert_open_key ON alert (alert_key) WHERE status = 'open'`);
    await q.query(`CREATE INDEX alert_entity ON alert (entity_id)`);
    await q.query(`CREATE INDEX alert_created ON alert (created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE delivery (
        id bigserial PRIMARY KEY,
        alert_id bigint NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
        department_code text NOT NULL REFERENCES department (code),
        channel text NOT NULL CHECK (channel IN ('inbox', 'webhook')),
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'acknowledged', 'failed', 'dead')),
        level text NOT NULL,
        reason jsonb NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        delivered_at timestamptz,
        acknowledged_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT delivery_one_per_department UNIQUE (alert_id, department_code)
      )`);
    await q.query(`CREATE INDEX delivery_department ON delivery (department_code, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'delivery',
      'alert',
      'rule',
      'entity_risk',
      'score',
      'profile',
      'record_version',
      'record',
      'ingest_rejection',
      'ingest_item',
      'ingest_batch',
      'entity',
      'department',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
