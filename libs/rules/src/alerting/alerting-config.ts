import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { loadCaseTypes, type CaseTypesConfig } from '@lianjian/cases';
import { loadAcknowledgementSla, type AcknowledgementSla } from '../routing/acknowledgement-sla';
import { validateRoutingMatrix, type RoutingMatrix } from '../routing/routing-matrix.schema';

// The configuration alerting works with, read once from CONFIG_DIR: the joint-action matrix (who
// receives which finding), the acknowledgement SLA (when a delivery is overdue) and the case types
// (grace periods, automatic opening).
@Injectable()
export class AlertingConfig {
  readonly configDir: string;
  readonly matrix: RoutingMatrix;
  readonly sla: AcknowledgementSla;
  readonly caseTypes: CaseTypesConfig;

  constructor(config: ConfigService) {
    this.configDir = config.getOrThrow<string>('CONFIG_DIR');
    this.matrix = validateRoutingMatrix(
      readJson(join(this.configDir, 'routing', 'joint-action-matrix.json')),
    );
    this.sla = loadAcknowledgementSla(this.configDir);
    this.caseTypes = loadCaseTypes(this.configDir);
  }
}

export function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
}
