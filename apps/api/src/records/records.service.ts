import { Injectable } from '@nestjs/common';
import { IngestionService, senderOf, SourceProfiles } from '@lianjian/ingestion';
import type { Principal } from '@lianjian/access';
import { assertMaySend } from '../auth/scope';

// Canonical records sent as JSON: checked against the caller's sources and department, then ingested.
@Injectable()
export class RecordsService {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly profiles: SourceProfiles,
  ) {}

  submit(caller: Principal, body: unknown) {
    const b = (body ?? {}) as { source?: unknown; records?: unknown };
    // A malformed body is left to submit() to refuse with its reasons (400), which are ingestion's own:
    // the batch envelope is checked there, for the CLI and the file path alike.
    if (typeof b.source === 'string')
      assertMaySend(caller, b.source, this.profiles.find(b.source)?.profile.departmentCode);
    return this.ingestion.submit(body, senderOf(caller));
  }
}
