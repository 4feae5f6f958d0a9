import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@lianjian/common';
import { ScoringModelRepository } from '@lianjian/database';
import { actorName, type Principal } from '@lianjian/access';
import { ScoringModels } from '@lianjian/scoring';
import type { ActivateBody } from './dto/scoring-model.dto';

// Scoring models (评分模型): every scorecard of config/scoring by version, the active one, and how it
// became active. Scores always name the model that made them.
@Injectable()
export class ScoringModelsService {
  constructor(
    private readonly models: ScoringModelRepository,
    private readonly scoring: ScoringModels,
  ) {}

  async list() {
    const rows = await this.models.list();
    return {
      items: rows.map((m) => ({
        version: m.version,
        name: (m.definition as { name?: unknown }).name ?? null,
        source: m.source,
        active: m.active,
        createdAt: m.createdAt,
        lastActivation: m.lastActivation,
      })),
    };
  }

  async get(version: string) {
    const m = await this.models.get(version);
    if (!m) throw new NotFoundError(`no scoring model ${version}`);
    const activations = await this.models.activations(version);
    return {
      version: m.version,
      source: m.source,
      active: m.active,
      createdAt: m.createdAt,
      definition: m.definition,
      card: this.scoring.card(m.version),
      activations,
    };
  }

  // The model card (模型说明书) of a version: 404 for an unknown version, and for one without a card.
  async card(version: string) {
    const m = await this.models.get(version);
    if (!m) throw new NotFoundError(`no scoring model ${version}`);
    const card = this.scoring.card(version);
    if (!card) throw new NotFoundError(`scoring model ${version} has no model card (config/scoring/cards)`);
    return card;
  }

  async activate(caller: Principal, version: string, b: ActivateBody) {
    const res = await this.models.activate(version, actorName(caller), b.reason);
    if (!res) throw new NotFoundError(`no scoring model ${version}`);
    // The card comes with the answer: who activates a model sees what it is, on what history it was
    // made and the class mix it gives.
    return {
      version: res.version,
      active: true,
      previousVersion: res.previousVersion,
      changed: res.changed,
      card: this.scoring.card(res.version),
    };
  }
}
