// The bounds of workshop mode's progress events that the page needs as values. They live apart from the events'
// zod schema (progress-events.ts) so that the page, which takes that module's types only, leaves zod out of its
// bundles.

/** What the page keeps of a cell's output for a `ran` event: this many rows, then this many characters. */
export const PROGRESS_OUTPUT_LIMIT = { rows: 20, chars: 2_000 } as const;
