import { All, Controller, Next, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { METRICS_ROUTE } from '@lianjian/observability';
import { Allow } from '../auth/access.decorator';
import { DASHBOARD_PATH, QueueDashboard } from './queue-dashboard.service';

// The queue dashboard (Bull Board) at /admin/queues: its page, assets and JSON API are all routes of
// this controller, so the access guard decides as for the API (bearer token; 401 without, 403 for
// anyone not holding queues:manage, i.e. not an administrator). Its writes (retry, clean, pause) are
// audited like every other write.
@ApiExcludeController()
@Controller(DASHBOARD_PATH.slice(1))
export class QueueDashboardController {
  constructor(private readonly dashboard: QueueDashboard) {}

  @All(['', '*path'])
  @Allow('queues:manage')
  serve(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): void {
    res.locals[METRICS_ROUTE] = `${DASHBOARD_PATH}/*`;
    this.dashboard.handle(req, res, next);
  }
}
