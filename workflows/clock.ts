/**
 * The workflow clock, one copy for every workflow. Inside a workflow `Date.now()` is the
 * deterministic workflow time (time-skipping moves it), so these are safe to replay.
 */

/** Now, as an ISO timestamp (the `asOf`/`at` every activity takes). */
export const nowIso = () => new Date(Date.now()).toISOString();

/** Today's date (UTC), `YYYY-MM-DD`. */
export const today = () => nowIso().slice(0, 10);

/** The ISO timestamp `ms` milliseconds from now (a follow-up shown to operators). */
export const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Milliseconds from now until an ISO instant; at least one second. */
export const untilInstant = (at: string) => Math.max(1_000, Date.parse(at) - Date.now());

/** Milliseconds from now until the start (UTC) of a calendar date; at least one second. */
export const untilDate = (date: string) => untilInstant(`${date}T00:00:00Z`);
