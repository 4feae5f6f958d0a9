import type { MigrationInterface, QueryRunner } from 'typeorm';

// The home screen (工作台) reads the last full run's class moves of the caller's jurisdiction: its
// change per class and its biggest movers. Through score_by_run that read every score of the run and
// kept the moves (EXPLAIN at 20,000 entities: 20,000 index entries and heap rows read for 606 moves,
// 54 ms; a run over 1,000,000 entities writes up to a million scores, every one of them read per
// request). This partial index holds only each run's moves (a class before, and another now: what the
// run summary counts as movedClass), so the read is the moves alone (3 ms at 20,000).
export class ScoreRunMovesIndex1766320000000 implements MigrationInterface {
  name = 'ScoreRunMovesIndex1766320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX score_run_moves ON score (run_id)
        WHERE previous_class IS NOT NULL AND previous_class <> risk_class`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX score_run_moves`);
  }
}
