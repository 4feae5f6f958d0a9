import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DepartmentRepository } from '@lianjian/database';
import { NotFoundError } from '@lianjian/common';
import { compileProfile, loadSourceProfile, type CompiledProfile, type SourceProfile } from './files';

export interface LoadedProfile {
  profile: SourceProfile;
  compiled: CompiledProfile;
  file: string;
}

// The source profiles of config/sources, validated at start-up: a broken profile stops the process
// with the file and field named. Departments a profile brings (e.g. a foreign feed's) are upserted.
@Injectable()
export class SourceProfiles implements OnModuleInit {
  private readonly log = new Logger(SourceProfiles.name);
  private readonly byId = new Map<string, LoadedProfile>();

  constructor(
    config: ConfigService,
    private readonly departments: DepartmentRepository,
  ) {
    const dir = join(config.getOrThrow<string>('CONFIG_DIR'), 'sources');
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      const file = join(dir, f);
      let profile: SourceProfile;
      try {
        profile = loadSourceProfile(JSON.parse(readFileSync(file, 'utf8')));
      } catch (e) {
        throw new Error(`source profile ${file} is invalid: ${(e as Error).message}`, { cause: e });
      }
      if (this.byId.has(profile.id))
        throw new Error(`source profile id '${profile.id}' is used twice (${file})`);
      this.byId.set(profile.id, { profile, compiled: compileProfile(profile), file });
    }
  }

  async onModuleInit(): Promise<void> {
    // Several feeds of one department each bring it: one row per code.
    const brought = [
      ...new Map(
        [...this.byId.values()].flatMap(({ profile }) =>
          (profile.departments ?? []).map((d) => [d.code, d] as const),
        ),
      ).values(),
    ];
    if (brought.length)
      await this.departments.upsertMany(
        brought.map((d) => ({
          code: d.code,
          name: d.name,
          nameEn: d.nameEn ?? null,
          domains: d.domains,
          regionCode: d.regionCode,
          level: d.level,
        })),
      );
    this.log.debug(`${this.byId.size} source profiles loaded`);
  }

  list(): LoadedProfile[] {
    return [...this.byId.values()];
  }

  find(id: string): LoadedProfile | undefined {
    return this.byId.get(id);
  }

  get(id: string): LoadedProfile {
    const p = this.byId.get(id);
    if (!p)
      throw new NotFoundError(`no source profile '${id}'`, [
        `known sources: ${[...this.byId.keys()].join(', ') || '(none)'}`,
      ]);
    return p;
  }
}
