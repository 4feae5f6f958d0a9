import type { DataSource } from 'typeorm';

// The rows of an UPDATE or DELETE … RETURNING. TypeORM's plain query() answers such statements with
// [rows, rowCount]; the structured result names the rows explicitly.
export async function returningRows<T>(ds: DataSource, sql: string, params: unknown[]): Promise<T[]> {
  const qr = ds.createQueryRunner();
  try {
    const res = await qr.query(sql, params, true);
    return res.records as T[];
  } finally {
    await qr.release();
  }
}
