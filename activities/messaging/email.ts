/**
 * The email adapter: SMTP through nodemailer, configured by one URL
 * (`smtps://user:pass@host:465`, or `smtp://…:587`, which upgrades with STARTTLS when the
 * server offers it; `?requireTLS=true` refuses one that does not). Plain text only: the
 * outreach asks a question, it carries no attachments, and nodemailer is told not to read
 * files or URLs on a message's behalf.
 *
 * SMTP's retry rule is the reverse of HTTP's: a 4xx reply is temporary (greylisting, a
 * full mailbox queue), a 5xx one permanent (no such user, refused). The reply's text may
 * quote the address, so only its code and nodemailer's error code are kept.
 */
import nodemailer from 'nodemailer';
import { MessagingGatewayError, type Gateway } from './gateway';
import type { OutboundMessage } from './types';

export interface EmailOptions {
  /** `smtp://` or `smtps://`, with `user:pass@` when the server wants a login. */
  smtpUrl: string;
  /** Our sender, `outreach@example.com` or `Durable DME <outreach@example.com>`. */
  from: string;
}

/** Nodemailer's errors that no later try changes: the envelope, the message or our login. */
const permanentCodes = new Set(['EENVELOPE', 'EMESSAGE', 'EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG', 'EMAXRECIPIENTS']);

export function createEmailGateway(options: EmailOptions): Gateway {
  // The URL's own settings (port, auth, query options) take precedence over these.
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    adapter: 'email',
    deliver: async (message) => {
      try {
        const info = await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.body });
        return info.messageId;
      } catch (error) {
        throw refusal(message, error);
      }
    },
  };
}

function refusal(message: OutboundMessage, error: unknown): MessagingGatewayError {
  const { responseCode, code } = error as { responseCode?: unknown; code?: unknown };
  const gatewayCode = typeof code === 'string' && /^E[A-Z0-9_]{1,40}$/.test(code) ? code : undefined;
  const facts = { adapter: 'email' as const, key: message.key };
  if (Number.isInteger(responseCode)) {
    const status = responseCode as number;
    return new MessagingGatewayError({ ...facts, status, ...(gatewayCode ? { gatewayCode } : {}), retryable: status >= 400 && status < 500 });
  }
  if (gatewayCode && permanentCodes.has(gatewayCode)) return new MessagingGatewayError({ ...facts, gatewayCode, retryable: false });
  // No reply and no rule broken: the connection, DNS or TLS failed, or timed out.
  return new MessagingGatewayError({ ...facts, errno: gatewayCode ?? 'NO_ANSWER', retryable: true });
}
