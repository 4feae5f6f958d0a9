import { Injectable } from '@nestjs/common';
import {
  feedHealth,
  FileIngestionService,
  senderOf,
  SourceBindings,
  SourceProfiles,
} from '@lianjian/ingestion';
import { SourceHealthRepository } from '@lianjian/database';
import type { Principal } from '@lianjian/access';
import { assertMaySend } from '../auth/scope';
import type { UploadStream } from './upload-stream';

// Source profiles (数据源), the health of their feeds, and the files departments upload for them.
@Injectable()
export class SourcesService {
  constructor(
    private readonly profiles: SourceProfiles,
    private readonly files: FileIngestionService,
    private readonly health: SourceHealthRepository,
    private readonly bindings: SourceBindings,
  ) {}

  async list() {
    const stats = await this.health.stats();
    const now = new Date();
    return {
      items: this.profiles.list().map(({ profile }) => ({
        id: profile.id,
        version: profile.version,
        department: profile.departmentCode,
        // Who may send what: other departments its records may name, and whether it changes master data.
        allowedDepartments: profile.allowedDepartments,
        registrationAuthority: profile.registrationAuthority,
        format: profile.format,
        encoding: profile.encoding,
        description: profile.description,
        health: feedHealth(stats.get(profile.id), now),
      })),
    };
  }

  // Stores the file and queues its batch. The upload is opened only once the caller may send for the
  // source: an unknown source (404) or one not theirs (403) is refused before the body is read.
  async upload(caller: Principal, source: string, open: () => Promise<UploadStream>) {
    assertMaySend(caller, source, this.profiles.get(source).profile.departmentCode);
    const sender = senderOf(caller);
    await this.bindings.forSender(source, sender);
    const up = await open();
    const out = await this.files.accept(
      source,
      up.stream,
      { originalName: up.filename, mediaType: up.mediaType },
      sender,
    );
    if (!out.duplicate) await this.files.enqueue(out.batchId);
    return out;
  }
}
