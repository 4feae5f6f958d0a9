import type { MigrationInterface, QueryRunner } from 'typeorm';

// A frozen plan's population (plan_population) is written in one INSERT … SELECT of the whole
// snapshot: 800,000 rows for a city (npm run bench:planning). Its foreign key to inspection_plan
// checked every row by itself (one RI trigger call and one KEY SHARE lock of the same plan row per
// row): a third of the freeze's PostgreSQL CPU (6.7 s against 4.3 s without it, at 1,000,000
// entities). The same integrity, checked once per statement: the rows an INSERT or UPDATE wrote
// must all name existing plans, each locked FOR KEY SHARE as the foreign key did (a concurrent
// delete waits, or the statement fails); deleting a plan deletes its population (the foreign key's
// ON DELETE CASCADE), and a plan with a population keeps its id (its NO ACTION on update).
export class PlanPopulationStatementCheck1766700000000 implements MigrationInterface {
  name = 'PlanPopulationStatementCheck1766700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE plan_population DROP CONSTRAINT plan_population_plan_id_fkey`);
    await q.query(`
      CREATE FUNCTION plan_population_plan_exists() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        wanted bigint;
        found bigint;
      BEGIN
        SELECT count(*) INTO wanted FROM (SELECT DISTINCT plan_id FROM changed) w;
        SELECT count(*) INTO found
          FROM (SELECT 1 FROM inspection_plan p WHERE p.id IN (SELECT plan_id FROM changed) FOR KEY SHARE OF p) f;
        IF found < wanted THEN
          RAISE EXCEPTION 'plan_population: % row(s) name an inspection plan that does not exist', TG_OP
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER plan_population_plan_exists_insert AFTER INSERT ON plan_population
        REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION plan_population_plan_exists()`);
    await q.query(`
      CREATE TRIGGER plan_population_plan_exists_update AFTER UPDATE ON plan_population
        REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION plan_population_plan_exists()`);
    await q.query(`
      CREATE FUNCTION inspection_plan_population_cascade() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          DELETE FROM plan_population WHERE plan_id = OLD.id;
          RETURN OLD;
        END IF;
        IF EXISTS (SELECT 1 FROM plan_population WHERE plan_id = OLD.id) THEN
          RAISE EXCEPTION 'inspection plan % has a frozen population: its id cannot change', OLD.id
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER inspection_plan_population_cascade AFTER DELETE ON inspection_plan
        FOR EACH ROW EXECUTE FUNCTION inspection_plan_population_cascade()`);
    await q.query(`
      CREATE TRIGGER inspection_plan_population_key AFTER UPDATE OF id ON inspection_plan
        FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION inspection_plan_population_cascade()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER inspection_plan_population_key ON inspection_plan`);
    await q.query(`DROP TRIGGER inspection_plan_population_cascade ON inspection_plan`);
    await q.query(`DROP FUNCTION inspection_plan_population_cascade()`);
    await q.query(`DROP TRIGGER plan_population_plan_exists_update ON plan_population`);
    await q.query(`DROP TRIGGER plan_population_plan_exists_insert ON plan_population`);
    await q.query(`DROP FUNCTION plan_population_plan_exists()`);
    await q.query(
      `ALTER TABLE plan_population ADD CONSTRAINT plan_population_plan_id_fkey
         FOREIGN KEY (plan_id) REFERENCES inspection_plan (id) ON DELETE CASCADE`,
    );
  }
}
