import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import { copyLine } from '@lianjian/common';

// COPY … FROM STDIN in PostgreSQL's text format: the fastest way to bulk-load rows.
export async function copyRows(
  client: PoolClient,
  table: string,
  columns: readonly string[],
  rows: Iterable<unknown[]> | AsyncIterable<unknown[]>,
): Promise<number> {
  let n = 0;
  async function* lines(): AsyncGenerator<string> {
    let buf = '';
    for await (const row of rows) {
      buf += copyLine(row);
      n++;
      if (buf.length > 1 << 20) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  await copyText(client, table, columns, lines());
  return n;
}

// COPY of text already in COPY format (chunks of whole lines), e.g. serialized in worker threads.
export async function copyText(
  client: PoolClient,
  table: string,
  columns: readonly string[],
  chunks: AsyncIterable<string>,
): Promise<void> {
  const sink = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks), sink);
}
