import type { MigrationInterface, QueryRunner } from 'typeorm';

// Access changes told to every api process at once (issue 13, load held): the api caches whom a
// bearer token or an API key stands for for a few seconds (ACCESS_CACHE_SECONDS), and these triggers
// notify the channel lianjian_access, when the change commits, of every change that can alter or end
// such a principal: any update or deletion of a user (disabled, role, region, department, password),
// of a token (revoked, expired, its second factor, its last use) or of an API key (revoked, sources).
// The payload names what changed ({"kind": "user" | "token" | "apiKey", "id": …}; a token by its
// hash, never a usable credential).
const TRIGGERS: [table: string, kind: string, id: string][] = [
  ['app_user', 'user', 'OLD.id::text'],
  ['access_token', 'token', 'OLD.token_hash'],
  ['api_key', 'apiKey', 'OLD.id::text'],
];

export class AccessChangeNotify1765910000000 implements MigrationInterface {
  name = 'AccessChangeNotify1765910000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, kind, id] of TRIGGERS) {
      await q.query(`
        CREATE FUNCTION ${table}_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('lianjian_access', json_build_object('kind', '${kind}', 'id', ${id})::text);
          RETURN NULL;
        END $$`);
      await q.query(`
        CREATE TRIGGER ${table}_access_changed AFTER UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION ${table}_access_changed()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table] of TRIGGERS) {
      await q.query(`DROP TRIGGER ${table}_access_changed ON ${table}`);
      await q.query(`DROP FUNCTION ${table}_access_changed()`);
    }
  }
}
