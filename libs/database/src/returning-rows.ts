import type { DataSource, EntityManager } from 'typeorm';

// The rows of an UPDATE or DELETE … RETURNING. TypeORM's plain query() answers such statements with
// [rows, rowCount]; the structured result names the rows explicitly. With an EntityManager of a
// transaction, the statement runs inside that transaction.
export async function returningRows<T>(
  db: DataSource | EntityManager,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  if ('connection' in db && db.queryRunner) {
    const res = await db.queryRunner.query(sql, params, true);
    return res.records as T[];
  }
  const qr = ('connection' in db ? db.connection : db).createQueryRunner();
  try {
    const res = await qr.query(sql, params, true);
    return res.records as T[];
  } finally {
    await qr.release();
  }
}
