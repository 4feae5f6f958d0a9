import { Injectable } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router, type RequestHandler } from 'express';
import { ALL_QUEUES, JobQueue } from '@lianjian/queue';

export const DASHBOARD_PATH = '/admin/queues';

// Bull Board over every queue of this deployment (its QUEUE_PREFIX): counts per state, jobs with
// their data and errors, retry and clean. Served only through QueueDashboardController, whose route
// the access guard checks like any other.
@Injectable()
export class QueueDashboard {
  readonly handle: RequestHandler;

  constructor(jobs: JobQueue) {
    const board = new ExpressAdapter();
    board.setBasePath(DASHBOARD_PATH);
    createBullBoard({
      queues: ALL_QUEUES.map((name) => new BullMQAdapter(jobs.queue(name))),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'Lianjian 联监 queues' } },
    });
    const router = Router();
    router.use(DASHBOARD_PATH, board.getRouter() as RequestHandler);
    this.handle = router;
  }
}
