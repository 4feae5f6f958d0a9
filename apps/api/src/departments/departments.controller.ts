import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator';
import { DepartmentsService } from './departments.service';

@ApiTags('reference')
@Controller('api/v1/departments')
export class DepartmentsController {
  constructor(private readonly departments: DepartmentsService) {}

  @Get()
  @Allow('departments:read')
  @ApiOperation({ summary: 'Departments (部门) with their domains and jurisdiction' })
  list() {
    return this.departments.list();
  }
}
