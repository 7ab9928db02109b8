/**
 * Bounds on what a dataset file may ask of the reader, checked before the memory is spent: a hostile or damaged
 * file is refused with its name and the line or row, instead of exhausting the heap.
 */

/** Longest JSONL line read (bytes); a row of the widest env (LunarLander, 8 floats) is about 200. */
export const MAX_JSONL_LINE_BYTES = 1024 * 1024;
/** Most rows one dataset file may hold (the built-in datasets have 500k; 20M of 8 floats is 640 MB). */
export const MAX_DATASET_ROWS = 20_000_000;
/** Rows the reader allocates up front at most, whatever a file's header claims; beyond it the buffers grow. */
export const MAX_PREALLOCATED_ROWS = 1 << 21;
