/**
 * The messenger the worker uses, chosen by configuration (MESSAGING): the sandbox, which
 * records what would be sent, by default; or the live gateways, SMS for `channel: 'sms'`
 * and SMTP for `channel: 'email'`, each present when its variables are set.
 *
 * Live sends go through one send log, the `outbound_messages` row of the message's key:
 * written as `sending` before the gateway is called, `sent` with the gateway's id after,
 * `failed` when it refused. A key already `sent` is answered from the row without calling
 * the gateway, so an activity retried after its send succeeded sends nothing.
 *
 * Delivery is at least once, not exactly once: if the worker dies (or the database
 * fails) between the gateway's answer and the `sent` update, the row stays `sending` and
 * the retry sends the message again. A gateway offers no way to ask "did you already take
 * this one?" by our key, so the log narrows that window to one round trip and no further.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Config } from '../../config';
import type { Db } from '../../db/client';
import { outboundMessages } from '../../db/schema';
import { createEmailGateway, type EmailOptions } from './email';
import { checkMessage, MessagingNotConfigured, type Gateway } from './gateway';
import { createSandboxMessenger } from './sandbox';
import { createSmsGateway, type SmsOptions } from './sms';
import type { MessageChannel, Messenger, OutboundMessage, SendResult } from './types';

export interface MessagingOptions {
  kind: 'sandbox' | 'live';
  /** Live: the SMS gateway, when all its variables are set. */
  sms?: SmsOptions;
  /** Live: the SMTP server, when all its variables are set. */
  email?: EmailOptions;
}

export function createMessenger(options: MessagingOptions, db: Db): Messenger {
  if (options.kind === 'sandbox') return createSandboxMessenger(db);
  const gateways: Partial<Record<MessageChannel, Gateway>> = {
    sms: options.sms && createSmsGateway(options.sms),
    email: options.email && createEmailGateway(options.email),
  };
  return {
    adapter: 'live',
    send: async (message) => {
      const gateway = gateways[message.channel];
      if (!gateway) throw new MessagingNotConfigured(message.channel, message.key);
      return sendOnce(db, gateway, message);
    },
  };
}

/** The options the configuration gives: a channel is live only when all its variables are set (config.ts checks that). */
export function messagingOptions(config: Config): MessagingOptions {
  const { SMS_ACCOUNT_SID: accountSid, SMS_AUTH_TOKEN: authToken, SMS_FROM: from, SMTP_URL: smtpUrl, EMAIL_FROM: emailFrom } = config;
  return {
    kind: config.MESSAGING,
    ...(accountSid && authToken && from ? { sms: { apiUrl: config.SMS_API_URL, accountSid, authToken, from } } : {}),
    ...(smtpUrl && emailFrom ? { email: { smtpUrl, from: emailFrom } } : {}),
  };
}

async function sendOnce(db: Db, gateway: Gateway, message: OutboundMessage): Promise<SendResult> {
  checkMessage(message);
  const previous = await claim(db, gateway, message);
  // `recorded` is the sandbox's: it stood for this message when the key was used, and sending
  // it now (after a switch to live) would reach a patient with outreach of another time.
  if (previous?.status === 'sent' || previous?.status === 'recorded') {
    return { key: message.key, outcome: 'already-sent', providerId: previous.providerId ?? '' };
  }
  let providerId: string;
  try {
    providerId = await gateway.deliver(message);
  } catch (error) {
    // A row left `sending` is sent again just like a `failed` one, so should this update fail
    // too, the gateway's error is still the one to report.
    await db
      .update(outboundMessages)
      .set({ status: 'failed' })
      .where(eq(outboundMessages.key, message.key))
      .catch(() => undefined);
    throw error;
  }
  await db.update(outboundMessages).set({ status: 'sent', providerId, sentAt: new Date() }).where(eq(outboundMessages.key, message.key));
  return { key: message.key, outcome: 'sent', providerId };
}

/**
 * Writes the message's row as `sending` and answers nothing, or answers the row its key
 * already has. A `failed` or `sending` one (a try that died mid-send) is taken over and
 * set to what is sent now; the condition keeps a row another try just marked `sent`.
 */
async function claim(db: Db, gateway: Gateway, message: OutboundMessage) {
  const key = eq(outboundMessages.key, message.key);
  const row = {
    key: message.key,
    planId: message.planId,
    channel: message.channel,
    adapter: gateway.adapter,
    recipient: message.to,
    subject: message.subject,
    body: message.body,
    status: 'sending' as const,
  };
  const inserted = await db.insert(outboundMessages).values(row).onConflictDoNothing().returning({ key: outboundMessages.key });
  if (inserted.length > 0) return undefined;
  const retaken = await db
    .update(outboundMessages)
    .set(row)
    .where(and(key, inArray(outboundMessages.status, ['sending', 'failed'])))
    .returning({ key: outboundMessages.key });
  if (retaken.length > 0) return undefined;
  const [existing] = await db.select({ status: outboundMessages.status, providerId: outboundMessages.providerId }).from(outboundMessages).where(key);
  return existing;
}
