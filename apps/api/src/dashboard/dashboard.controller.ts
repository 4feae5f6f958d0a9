import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { ApiZodOk } from '../common/openapi';
import { dashboardQuery, dashboardResponse } from './dto/dashboard.dto';
import { DashboardService } from './dashboard.service';

@ApiTags('dashboard')
@Controller('api/v1/dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  // Like the risk list and the alert inbox it sums up, a read of counts, not audited per call (a
  // refused call is, by the access guard).
  @Get()
  @Allow('risk-list:read')
  @ApiOperation({
    summary: "Home (工作台): the caller's jurisdiction in counts",
    description:
      'Classes now and the last run’s change, its biggest movers, C/D entities per child region; open alerts by severity (alerts:read), an officer’s unacknowledged deliveries, overdue case tasks (cases:read), feeds in trouble (sources:read). A section the role may not see is left out.',
  })
  @ApiZodOk(dashboardResponse)
  get(@Query(new ZodPipe(dashboardQuery)) _query: unknown, @Caller() caller: Principal) {
    return this.dashboard.get(caller);
  }
}
