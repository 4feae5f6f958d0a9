// Limits on what reading one file may cost, from the ingestion environment (INGEST_* in
// libs/common/src/config/env.ts). A file over one of them is refused as a whole (FileRefusedError),
// however its profile is configured.
export interface FileLimits {
  // A row (CSV record, NDJSON line, XLSX row as CSV text) over this refuses the file. The profile's
  // limits.maxRowBytes (at most 16 MiB) refuses the row alone and reading goes on.
  maxRowBytes: number;
  xlsx: {
    maxEntries: number; // parts in the ZIP
    maxUncompressedBytes: number; // all parts together, inflated
    maxRatio: number; // inflated : compressed, per part (over RATIO_GRACE_BYTES) and overall
    maxSharedStrings: number; // strings in xl/sharedStrings.xml
    maxSharedStringsBytes: number; // xl/sharedStrings.xml inflated (its text is never larger)
  };
}

const MIB = 1024 * 1024;
// A small part may compress far better than a large one (an empty sheet is mostly markup).
export const RATIO_GRACE_BYTES = MIB;

export const DEFAULT_FILE_LIMITS: FileLimits = {
  maxRowBytes: 16 * MIB,
  xlsx: {
    maxEntries: 1000,
    maxUncompressedBytes: 4096 * MIB,
    maxRatio: 100,
    maxSharedStrings: 5_000_000,
    maxSharedStringsBytes: 256 * MIB,
  },
};

export type FileLimitsEnvName =
  | 'MAX_UPLOAD_MB'
  | 'INGEST_MAX_ROW_MB'
  | 'INGEST_XLSX_MAX_ENTRIES'
  | 'INGEST_XLSX_MAX_UNCOMPRESSED_MB'
  | 'INGEST_XLSX_MAX_RATIO'
  | 'INGEST_XLSX_MAX_SHARED_STRINGS'
  | 'INGEST_XLSX_MAX_SHARED_STRINGS_MB';

// Unset variables take the defaults; the inflated size defaults to 4 × MAX_UPLOAD_MB, at most 4 GiB
// (an XLSX is XML compressed about tenfold; a legitimate one is never near the ratio limit).
export function fileLimitsFromEnv(get: (name: FileLimitsEnvName) => number | undefined): FileLimits {
  const d = DEFAULT_FILE_LIMITS;
  const mb = (name: FileLimitsEnvName, fallback: number) => {
    const v = get(name);
    return v === undefined ? fallback : Math.floor(v * MIB);
  };
  return {
    maxRowBytes: mb('INGEST_MAX_ROW_MB', d.maxRowBytes),
    xlsx: {
      maxEntries: get('INGEST_XLSX_MAX_ENTRIES') ?? d.xlsx.maxEntries,
      maxUncompressedBytes: mb(
        'INGEST_XLSX_MAX_UNCOMPRESSED_MB',
        Math.floor(Math.min(4 * (get('MAX_UPLOAD_MB') ?? 2048), 4096) * MIB),
      ),
      maxRatio: get('INGEST_XLSX_MAX_RATIO') ?? d.xlsx.maxRatio,
      maxSharedStrings: get('INGEST_XLSX_MAX_SHARED_STRINGS') ?? d.xlsx.maxSharedStrings,
      maxSharedStringsBytes: mb('INGEST_XLSX_MAX_SHARED_STRINGS_MB', d.xlsx.maxSharedStringsBytes),
    },
  };
}

export const formatBytes = (n: number): string => n.toLocaleString('en-US');
