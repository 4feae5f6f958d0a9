import { Injectable } from '@nestjs/common';
import { DepartmentRepository } from '@lianjian/database';

@Injectable()
export class DepartmentsService {
  constructor(private readonly departments: DepartmentRepository) {}

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
