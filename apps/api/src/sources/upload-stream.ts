import type { Request } from 'express';
import busboy from 'busboy';
import { PassThrough, type Readable } from 'node:stream';
import { DomainError } from '@lianjian/common';

export interface UploadStream {
  stream: Readable;
  filename?: string;
  mediaType?: string;
}

// The uploaded file as a stream: multipart/form-data (field `file`, as API.md says) or, for systems
// that prefer it, the raw request body (text/csv, application/x-ndjson, application/octet-stream, …).
// Nothing is buffered; an upload that ends early fails the stream, so a truncated file is never stored.
export function uploadStream(req: Request): Promise<UploadStream> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) {
    const out = new PassThrough();
    req.on('aborted', () => out.destroy(incomplete()));
    req.on('error', (e) => out.destroy(e));
    req.pipe(out);
    return Promise.resolve({ stream: out, mediaType: type || undefined });
  }
  return new Promise((resolve, reject) => {
    let found = false;
    // Browsers send a file name in UTF-8 (busboy reads it as latin1 by default: 检查.csv came out as mojibake).
    const bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 10 } });
    bb.on('file', (name, file, info) => {
      if (name !== 'file' || found) {
        file.resume();
        return;
      }
      found = true;
      const out = new PassThrough();
      file.on('error', (e) => out.destroy(e));
      // busboy marks a part cut short by the end of the request.
      file.on('end', () => {
        if ((file as unknown as { truncated?: boolean }).truncated) out.destroy(incomplete());
      });
      req.on('aborted', () => out.destroy(incomplete()));
      file.pipe(out);
      resolve({ stream: out, filename: info.filename, mediaType: info.mimeType });
    });
    bb.on('error', (e) =>
      found
        ? undefined
        : reject(new DomainError('invalid_body', `unreadable multipart body: ${(e as Error).message}`)),
    );
    bb.on('close', () => {
      if (!found)
        reject(
          new DomainError(
            'invalid_body',
            "no file: send multipart/form-data with the file in the field 'file'",
          ),
        );
    });
    req.on('aborted', () => (found ? undefined : reject(incomplete())));
    req.pipe(bb);
  });
}

function incomplete(): DomainError {
  return new DomainError(
    'invalid_body',
    'the upload ended before the file was complete; nothing was stored (上传未完成)',
  );
}
