/** One progress report of the import. */
export interface ImportProgress {
  phase: 'parsing' | 'objects' | 'relations';
  done: number;
  total: number;
}

/** Counts of the objects or relations that an import created, updated or left unchanged. */
export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

// Rows per statement: large enough to be fast, small enough for regular progress lines.
export const BATCH_SIZE = 500;
