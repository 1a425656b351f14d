/**
 * Activity option presets, one place for every workflow. Imported by config.ts too, so
 * the clearinghouse's response timeout can be checked against the inquiry's budget.
 */
import type { ActivityOptions } from '@temporalio/workflow';

/** Database work and quick calls: a minute each try, retried with backoff until it succeeds. */
export const standardActivity: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2 },
};

/** How long one try of a real-time inquiry (270, 276) may wait for its answer. */
export const inquiryStartToCloseMs = 10 * 60_000;
/** The inquiry beats while it polls; a worker that died mid-wait is noticed this soon. */
const inquiryHeartbeatMs = 30_000;

/**
 * A 270 or 276 waits for the payer's answer inside the activity (the file-drop adapter
 * polls its inbox up to FILE_DROP_RESPONSE_TIMEOUT, which config.ts keeps below this
 * budget); it heartbeats, so a lost worker is retried in half a minute, not ten.
 */
export const clearinghouseInquiry: ActivityOptions = {
  ...standardActivity,
  startToCloseTimeout: inquiryStartToCloseMs,
  heartbeatTimeout: inquiryHeartbeatMs,
};

/** One collection round of the clearinghouse mailbox: it reads and posts whole files, so five minutes a try. */
/** A round tells every claim a 999 or 277CA answers before it confirms the file: long for a large file, beating its heartbeat per batch. */
export const mailboxCollection: ActivityOptions = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2 },
};

/** Posting a large 835 is one transaction: a try may take minutes; a database outage is waited out, a broken file is not. */
export const remittancePosting: ActivityOptions = {
  ...standardActivity,
  startToCloseTimeout: '10 minutes',
  retry: { ...standardActivity.retry, maximumAttempts: 20 },
};

/** Telling claims of a remittance beats after each batch, so a worker lost mid-way is noticed soon and the next try resumes there. */
export const batchedTelling: ActivityOptions = {
  ...standardActivity,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
};
