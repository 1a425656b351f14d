/**
 * The messaging port: how the system reaches a patient by text message or email
 * (resupply outreach, issue 13). One interface, three adapters — `sandbox` records what
 * would be sent, `sms` posts to an SMS gateway, `email` speaks SMTP — chosen by config.
 *
 * PHI (the recipient's number or address, the patient's name in the text) lives only in
 * the message itself and the `outbound_messages` row; what a send returns, throws or
 * logs carries ids and codes only.
 */
export type MessageChannel = 'sms' | 'email';

export interface OutboundMessage {
  /** Idempotency: a message with a key already sent is not sent again (e.g. `resupply-<plan>:3:2`). */
  key: string;
  /** The resupply plan the message serves, when it serves one. */
  planId?: string;
  channel: MessageChannel;
  /** An E.164 phone number for sms, an address for email. */
  to: string;
  /** The email subject (sms has none). */
  subject?: string;
  body: string;
}

export interface SendResult {
  key: string;
  /** `sent` by an adapter that delivers, `recorded` by the sandbox; `already-sent` when the key was sent before. */
  outcome: 'sent' | 'recorded' | 'already-sent';
  /** The gateway's id of the message (SMS sid, SMTP message id), or the sandbox's own. */
  providerId: string;
}

export interface Messenger {
  /** Which adapter this is, for the log and the message row. */
  readonly adapter: 'sandbox' | 'live';
  /** Sends once per key; throws a PHI-free error when the gateway refuses or cannot be reached. */
  send(message: OutboundMessage): Promise<SendResult>;
}
