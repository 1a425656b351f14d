/**
 * One interface for every clearinghouse (DESIGN.md "Clearinghouse"): eligibility
 * (270 → 271) in real time, claim files out (837P), a prior-auth request, claim
 * status (276 → 277) and the inbound mailbox (999, 277CA, 835). Adapters: `sandbox`
 * (a simulated payer answering with real X12) and `file-drop` (an outbox and an
 * inbox folder, as many real clearinghouses exchange files).
 *
 * Every call is idempotent: the same file (same control number) sent twice is
 * accepted once, because Temporal may retry an activity after a crash.
 */

export interface OutboundFile {
  /** ISA13 of the interchange; the adapter's idempotency key. */
  controlNumber: string;
  /** The X12 text exactly as sent. */
  x12: string;
}

export interface InboundFile {
  /** Adapter-specific name (file name, sandbox document id) for audit. */
  name: string;
  x12: string;
}

export interface CollectResult {
  files: InboundFile[];
  /**
   * When the mailbox should be looked at again. The sandbox knows exactly when its
   * next answer falls due; a folder has to be polled.
   */
  nextCheckAt: Date | null;
}

/**
 * How a real-time inquiry waits for its answer inside an activity: it beats the
 * activity's heartbeat while it polls, and stops when the activity is cancelled
 * (the workflow gave up, or the heartbeat timed out and Temporal retried elsewhere).
 */
export interface InquiryWait {
  heartbeat(): void;
  signal?: AbortSignal;
}

export interface Clearinghouse {
  readonly name: 'sandbox' | 'file-drop';
  /** Real-time eligibility: a 270 in, the payer's 271 out. */
  checkEligibility(request: OutboundFile, asOf: Date, wait?: InquiryWait): Promise<string>;
  /** A claim file (837P) out; answers arrive later through `collect`. */
  submitClaims(file: OutboundFile, asOf: Date): Promise<void>;
  /** Real-time claim status: a 276 in, the payer's 277 out. */
  requestClaimStatus(request: OutboundFile, asOf: Date, wait?: InquiryWait): Promise<string>;
  /**
   * Everything that arrived for us up to `asOf` and was not confirmed yet. Collecting
   * twice returns the same files: nothing is lost if we crash before storing them.
   */
  collect(asOf: Date): Promise<CollectResult>;
  /**
   * The files were stored on our side: do not hand them out again. Confirming may make new answers due (a payer's own follow-up to an answer it sent:
   * the sandbox's crossover 835): the adapter then says when, so the mailbox looks again
   * then and not only at the earlier `nextCheckAt` of `collect`.
   */
  confirm(names: string[]): Promise<void | { nextCheckAt: Date | null }>;
}
