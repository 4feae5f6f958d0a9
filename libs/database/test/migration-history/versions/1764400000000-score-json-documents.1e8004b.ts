import type { MigrationInterface, QueryRunner } from 'typeorm';

// A score's factors and floors, the current risk's top factors and a profile's features are
// documents written once and read whole; no query looks inside them except the related-party flag,
// one key lookup per candidate. As jsonb, PostgreSQL parsed every one of them into its binary form
// on every save: measured on bench:score, the json_to_recordset step of saving a chunk of 500 scores
// went from 15–22 ms to 5–9 ms and the whole statement from ~62 to ~25–40 ms with json columns.
// json keeps the text as sent (and the factor order with it); ->> works on it unchanged.
export class ScoreJsonDocuments1764400000000 implements MigrationInterface {
  name = 'ScoreJsonDocuments1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE score
        ALTER COLUMN factors TYPE json USING factors::json,
        ALTER COLUMN floors DROP DEFAULT,
        ALTER COLUMN floors TYPE json USING floors::json,
        ALTER COLUMN floors SET DEFAULT '[]'::json`);
    await q.query(`ALTER TABLE entity_risk ALTER COLUMN top_factors TYPE json USING top_factors::json`);
    await q.query(`ALTER TABLE profile ALTER COLUMN features TYPE json USING features::json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE profile ALTER COLUMN features TYPE jsonb USING features::jsonb`);
    await q.query(`ALTER TABLE entity_risk ALTER COLUMN top_factors TYPE jsonb USING top_factors::jsonb`);
    await q.query(`
      ALTER TABLE score
        ALTER COLUMN factors TYPE jsonb USING factors::jsonb,
        ALTER COLUMN floors DROP DEFAULT,
        ALTER COLUMN floors TYPE jsonb USING floors::jsonb,
        ALTER COLUMN floors SET DEFAULT '[]'::jsonb`);
  }
}
