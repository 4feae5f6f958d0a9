import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ForbiddenError, InvalidInputError } from '@lianjian/common';
import {
  citiesOf,
  countiesOf,
  INDUSTRY_DIVISIONS,
  INDUSTRY_SECTIONS,
  regionLevel,
  regionName,
  regionPrefix,
  type RegionLevel,
} from '@lianjian/reference';
import { principalJurisdiction, type Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ApiZodOk, ApiZodQuery } from '../common/openapi';
import { ZodPipe } from '../common/zod.pipe';
import {
  industriesResponse,
  regionsQuery,
  regionsResponse,
  type IndustriesResponse,
  type RegionsQuery,
  type RegionsResponse,
} from './dto/reference.dto';

type Region = RegionsResponse['items'][number];

// Reference data for the console's filters (the risk list's cascaders): GB/T 2260 regions one level
// at a time, within the caller's jurisdiction (辖区), and the GB/T 4754 sections and divisions.
@ApiTags('reference')
@Controller('api/v1/reference')
export class ReferenceController {
  @Get('regions')
  @Allow('risk-list:read')
  @ApiOperation({
    summary: 'Regions (行政区划, GB/T 2260) one level down, within the caller’s jurisdiction',
    description:
      'Without `parent`: the provinces for national callers, else the jurisdiction itself. With a province or city: its cities or counties that lie within the jurisdiction.',
  })
  @ApiZodQuery(regionsQuery)
  @ApiZodOk(regionsResponse)
  regions(@Query(new ZodPipe(regionsQuery)) q: RegionsQuery, @Caller() caller: Principal): RegionsResponse {
    const prefix = principalJurisdiction(caller);
    if (prefix === null) throw new ForbiddenError('API keys do not read lists of entities');
    if (!q.parent) {
      if (prefix === '') return { items: provincesOfCountry() };
      const own = prefix.padEnd(6, '0');
      const level = regionLevel(own);
      return { items: level ? [region(own, level)] : [] };
    }
    const level = regionLevel(q.parent);
    if (level === undefined)
      throw new InvalidInputError('invalid query parameters / 查询参数无效', [
        `query.parent: '${q.parent}' is not a known GB/T 2260 code / 行政区划代码不存在`,
      ]);
    const parentPrefix = regionPrefix(q.parent);
    const inside = parentPrefix.startsWith(prefix);
    if (!inside && !prefix.startsWith(parentPrefix))
      throw new ForbiddenError(`region ${q.parent} is outside your jurisdiction ${prefix} / 超出辖区范围`);
    const children =
      level === 'province'
        ? citiesOf(q.parent).map((c) => region(c.code, 'city'))
        : level === 'city'
          ? countiesOf(q.parent)
              .filter((c) => c.code !== q.parent)
              .map((c) => region(c.code, 'county'))
          : [];
    // Asked for an ancestor of the jurisdiction (a city's staff opening their province): its branch only.
    return { items: inside ? children : children.filter((c) => regionPrefix(c.code).startsWith(prefix)) };
  }

  @Get('industries')
  @Allow('risk-list:read')
  @ApiOperation({ summary: 'Industries (国民经济行业分类, GB/T 4754-2017): sections and their divisions' })
  @ApiZodOk(industriesResponse)
  industries(): IndustriesResponse {
    return {
      items: INDUSTRY_SECTIONS.map((s) => ({
        code: s.code,
        name: { ...s.name },
        divisions: INDUSTRY_DIVISIONS.filter((d) => d.section === s.code).map((d) => ({
          code: `${s.code}${d.code}`,
          name: { ...d.name },
        })),
      })),
    };
  }
}

function region(code: string, level: RegionLevel): Region {
  const leaf =
    level === 'county' ||
    (level === 'city' && countiesOf(code).every((c) => c.code === code)) ||
    (level === 'province' && citiesOf(code).length === 0);
  return { code, name: regionName(code) ?? code, level, leaf };
}

function provincesOfCountry(): Region[] {
  const out: Region[] = [];
  for (let p = 11; p <= 82; p++) {
    const code = `${p}0000`;
    if (regionLevel(code) === 'province') out.push(region(code, 'province'));
  }
  return out;
}
