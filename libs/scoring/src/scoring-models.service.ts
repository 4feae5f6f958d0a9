import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ScoringModelRepository } from '@lianjian/database';
import { contentHash } from '@lianjian/domain';
import { loadScorecard, type Scorecard } from './scorecard/scorecard.schema';
import { describeFactors, type FactorContribution } from './scorecard/scorecard';
import { CLASS_POLICY_PATH, loadClassPolicy, type ClassPolicy } from './calibration/class-policy';
import { loadModelCard, MODEL_CARDS_DIR, type ModelCard } from './calibration/model-card';

export interface ConfigModel {
  version: string;
  definition: unknown;
  hash: string;
  source: string; // e.g. scoring/scorecard-v1.json, relative to CONFIG_DIR
  card: Scorecard;
}

// Every scorecard file of config/scoring, validated: a broken file stops the process with the file
// and field named, as a broken rule file does.
export function loadConfigModels(configDir: string): ConfigModel[] {
  const dir = join(configDir, 'scoring');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const source = `scoring/${f}`;
      let definition: unknown;
      try {
        definition = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      } catch (e) {
        throw new Error(`config/${source}: not valid JSON (${(e as Error).message})`, { cause: e });
      }
      let card: Scorecard;
      try {
        card = loadScorecard(definition);
      } catch (e) {
        throw new Error(`config/${source}: ${(e as Error).message}`, { cause: e });
      }
      return { version: card.modelVersion, definition, hash: contentHash(definition), source, card };
    });
}

function readJson(configDir: string, source: string): unknown {
  try {
    return JSON.parse(readFileSync(join(configDir, source), 'utf8'));
  } catch (e) {
    throw new Error(`config/${source}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

// The class-mix policy (config/scoring/policy/class-mix.json), validated: a broken file stops start-up.
export function loadConfigPolicy(configDir: string): ClassPolicy {
  try {
    return loadClassPolicy(readJson(configDir, CLASS_POLICY_PATH));
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.startsWith('config/') ? msg : `config/${CLASS_POLICY_PATH}: ${msg}`, { cause: e });
  }
}

// Every model card of config/scoring/cards (<modelVersion>.json), validated, by version. A card must
// be named after the version it describes.
export function loadConfigCards(configDir: string): Map<string, ModelCard> {
  const dir = join(configDir, MODEL_CARDS_DIR);
  const cards = new Map<string, ModelCard>();
  if (!existsSync(dir)) return cards;
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const source = `${MODEL_CARDS_DIR}/${f}`;
    let card: ModelCard;
    try {
      card = loadModelCard(readJson(configDir, source));
    } catch (e) {
      const msg = (e as Error).message;
      throw new Error(msg.startsWith('config/') ? msg : `config/${source}: ${msg}`, { cause: e });
    }
    if (`${card.modelVersion}.json` !== f)
      throw new Error(`config/${source}: describes ${card.modelVersion}; name it ${card.modelVersion}.json`);
    cards.set(card.modelVersion, card);
  }
  return cards;
}

// Which model scores (评分模型管理). Models are stored by version when a process starts; a version's
// definition is immutable. Exactly one model is active, changed only by an explicit activation
// (API or npm run model:activate), which workers see on their next scoring job. On a fresh install
// the model named by SCORING_MODEL is activated. A full run keeps the model it started with.
@Injectable()
export class ScoringModels implements OnModuleInit {
  private readonly log = new Logger(ScoringModels.name);
  private readonly configDir: string;
  private readonly bootstrapFile: string;
  private readonly cards = new Map<string, Scorecard>();
  private modelCards = new Map<string, ModelCard>();
  private classPolicy: ClassPolicy | undefined;

  constructor(
    private readonly repo: ScoringModelRepository,
    config: ConfigService,
  ) {
    this.configDir = config.getOrThrow<string>('CONFIG_DIR');
    this.bootstrapFile = config.getOrThrow<string>('SCORING_MODEL');
  }

  async onModuleInit(): Promise<void> {
    const models = loadConfigModels(this.configDir);
    this.classPolicy = loadConfigPolicy(this.configDir);
    this.modelCards = loadConfigCards(this.configDir);
    const versions = new Map<string, string>();
    for (const m of models) {
      const other = versions.get(m.version);
      if (other)
        throw new Error(`config/${m.source} and config/${other} both declare model version ${m.version}`);
      versions.set(m.version, m.source);
    }
    for (const v of this.modelCards.keys())
      if (!versions.has(v))
        throw new Error(
          `config/${MODEL_CARDS_DIR}/${v}.json: no scorecard of config/scoring is model version ${v}`,
        );
    const changed = await this.repo.register(models);
    if (changed.length)
      throw new Error(
        `model version(s) ${changed.join(', ')} in config/scoring differ from the stored definition: a published ` +
          `model is immutable; give the changed scorecard a new modelVersion (已发布的评分模型不可修改，请使用新版本号)`,
      );
    if (!(await this.repo.activeVersion())) {
      const first = models.find((m) => m.source === this.bootstrapFile);
      if (!first)
        throw new Error(`SCORING_MODEL ${this.bootstrapFile} is not a scorecard file of config/scoring`);
      const res = await this.repo.activate(first.version, 'config', 'first start: SCORING_MODEL');
      if (res?.changed) this.log.log(`activated ${first.version} (${this.bootstrapFile}) on first start`);
    }
  }

  // The active model, looked up on every call (one indexed row) so an activation takes effect on
  // the next job everywhere.
  async active(): Promise<Scorecard> {
    const version = await this.repo.activeVersion();
    if (!version) throw new Error('no scoring model is active');
    return this.byVersion(version);
  }

  // Stored (slim) factors with their labels and groups, from the model version that made them; an
  // unknown version (a model no longer registered) falls back to the feature catalogue's labels.
  // complete: every factor of the model (zeros are not stored); false for a selection such as top factors.
  async describe(version: string, stored: unknown, complete = true): Promise<FactorContribution[]> {
    const list = (Array.isArray(stored) ? stored : []) as Parameters<typeof describeFactors>[1];
    const model = await this.byVersion(version).catch(() => undefined);
    return describeFactors(model ?? ({ factors: [] } as unknown as Scorecard), list, complete);
  }

  // The class-mix policy every full run's mix is checked against.
  policy(): ClassPolicy {
    if (!this.classPolicy) this.classPolicy = loadConfigPolicy(this.configDir);
    return this.classPolicy;
  }

  // The model card of a version (config/scoring/cards), null when the version has none.
  card(version: string): ModelCard | null {
    return this.modelCards.get(version) ?? null;
  }

  async byVersion(version: string): Promise<Scorecard> {
    let card = this.cards.get(version);
    if (!card) {
      const stored = await this.repo.get(version);
      if (!stored) throw new Error(`no scoring model ${version}`);
      card = loadScorecard(stored.definition);
      this.cards.set(version, card);
    }
    return card;
  }
}
