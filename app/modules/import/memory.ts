/**
 * The import's memory (docs/decisions/0017): a million rows make a lot of short-lived garbage, and V8 left to itself
 * lets its heap grow far past what the import keeps (the row caches, up to 100,000 errors, the statements). Capped
 * here, the heap is collected sooner, the import runs as fast, and its process stays under 250 MB at any file size.
 * The command line (package.json "import" and "seed") passes the same figures as node flags; the import page's
 * worker thread gets them as resource limits. A test keeps the three in step.
 */
export const IMPORT_HEAP = { oldSpaceMb: 128, semiSpaceMb: 8 } as const;

/** The node flags of a process that imports. */
export const IMPORT_NODE_FLAGS = [`--max-old-space-size=${IMPORT_HEAP.oldSpaceMb}`, `--max-semi-space-size=${IMPORT_HEAP.semiSpaceMb}`] as const;

/** The same limits for a worker thread (its young generation is three semi-spaces). */
export const IMPORT_WORKER_LIMITS = { maxOldGenerationSizeMb: IMPORT_HEAP.oldSpaceMb, maxYoungGenerationSizeMb: 3 * IMPORT_HEAP.semiSpaceMb } as const;
