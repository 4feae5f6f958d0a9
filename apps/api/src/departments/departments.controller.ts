import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DepartmentRepository } from '@lianjian/database';
import { Allow } from '../auth/access.decorator';

@ApiTags('reference')
@Controller('api/v1/departments')
export class DepartmentsController {
  constructor(private readonly departments: DepartmentRepository) {}

  @Get()
  @Allow('departments:read')
  @ApiOperation({ summary: 'Departments (部门) with their domains and jurisdiction' })
  async list() {
    const rows = await this.departments.list();
    return {
      items: rows.map((d) => ({
        code: d.code,
        name: d.name,
        nameEn: d.nameEn,
        domains: d.domains,
        regionCode: d.regionCode,
        level: d.level,
      })),
    };
  }
}
