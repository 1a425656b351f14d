/**
 * What a live adapter (sms.ts, email.ts) is to the send log in index.ts, and how the
 * messaging adapters fail. Every error here is an ApplicationFailure built from ids and
 * codes only, so the activity boundary (activities/failures.ts) lets it through as it is,
 * with its own type and retry flag, instead of withholding it as INTERNAL and retrying
 * what can never succeed. None carries a cause: a gateway's answer, an SMTP reply or a
 * socket error's message may quote the number, the address or the text.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { MessageChannel, OutboundMessage } from './types';

/** A gateway that delivers one message and answers its id for it; throws MessagingGatewayError. */
export interface Gateway {
  readonly adapter: MessageChannel;
  deliver(message: OutboundMessage): Promise<string>;
}

/** The PHI-free facts of a failed delivery, also the failure's details. */
export interface GatewayFailureFacts {
  adapter: MessageChannel;
  /** The message's idempotency key (ids only, e.g. `resupply-<plan>:3:2`). */
  key: string;
  /** The HTTP status (sms) or the SMTP reply code (email) the gateway refused with. */
  status?: number;
  /** The gateway's own code: the SMS API's numeric `code`, or nodemailer's (EENVELOPE, EAUTH…). */
  gatewayCode?: number | string;
  /** Why no answer came: a socket error code (ECONNREFUSED…) or TimeoutError. */
  errno?: string;
  /** Whether a later try may succeed (unreachable, busy, a temporary refusal), or only a change can. */
  retryable: boolean;
}

const adapterNames: Record<MessageChannel, string> = { sms: 'The SMS gateway', email: 'The SMTP server' };

/** A gateway refused the message or could not be reached; operators search for its type. */
export class MessagingGatewayError extends ApplicationFailure {
  readonly retryable: boolean;

  constructor(readonly facts: GatewayFailureFacts) {
    super(describe(facts), 'MessagingGatewayError', !facts.retryable, [facts]);
    this.retryable = facts.retryable;
  }
}

function describe(facts: GatewayFailureFacts): string {
  const next = facts.retryable ? 'the activity retries' : 'not retried: a try cannot change the answer';
  return `${adapterNames[facts.adapter]} ${outcomeOf(facts)} for message ${facts.key}; ${next}`;
}

function outcomeOf(facts: GatewayFailureFacts): string {
  const code = facts.gatewayCode === undefined ? '' : ` (code ${facts.gatewayCode})`;
  if (facts.errno !== undefined) return `could not be reached (${facts.errno})`;
  if (facts.status === undefined) return `failed${code}`;
  if (facts.status < 300) return `answered HTTP ${facts.status} without a message id`;
  return `refused with ${facts.adapter === 'sms' ? 'HTTP' : 'reply'} ${facts.status}${code}`;
}

/**
 * The worker has no adapter for the message's channel (MESSAGING=live with only the other
 * channel's variables). Not retryable, like a refusal: a caller that falls back to a staff
 * call on `retryable === false` does so here too.
 */
export class MessagingNotConfigured extends ApplicationFailure {
  readonly retryable = false;

  constructor(channel: MessageChannel, key: string) {
    const variables = channel === 'sms' ? 'SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM' : 'SMTP_URL and EMAIL_FROM';
    super(`Message ${key}: the ${channel} channel is not configured on this worker (set ${variables})`, 'MessagingNotConfigured', true);
  }
}

// ApplicationFailure's name is a read-only property of its prototype: ours are set beside it.
for (const [failure, name] of [
  [MessagingGatewayError, 'MessagingGatewayError'],
  [MessagingNotConfigured, 'MessagingNotConfigured'],
] as const) {
  Object.defineProperty(failure.prototype, 'name', { value: name, enumerable: true });
}

/** The one rule on a message before any adapter takes it: an email has a subject. */
export function checkMessage(message: OutboundMessage): void {
  if (message.channel === 'email' && !message.subject?.trim()) {
    throw ApplicationFailure.nonRetryable(`Message ${message.key}: an email needs a subject`, 'MessageInvalid');
  }
}
