/**
 * The sandbox messenger (MESSAGING=sandbox, the default): nothing leaves the machine. Each
 * message is recorded in `outbound_messages` as what would have been sent, so a demo, a
 * test or a billing person can read the outreach a plan produced; a retried send with the
 * same key finds its row and records nothing new.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { outboundMessages } from '../../db/schema';
import { checkMessage } from './gateway';
import type { Messenger, OutboundMessage, SendResult } from './types';

export function createSandboxMessenger(db: Db): Messenger {
  return {
    adapter: 'sandbox',
    send: (message) => record(db, message),
  };
}

async function record(db: Db, message: OutboundMessage): Promise<SendResult> {
  checkMessage(message);
  const providerId = sandboxId(message.key);
  const inserted = await db
    .insert(outboundMessages)
    .values({
      key: message.key,
      planId: message.planId,
      channel: message.channel,
      adapter: 'sandbox',
      recipient: message.to,
      subject: message.subject,
      body: message.body,
      status: 'recorded',
      providerId,
    })
    .onConflictDoNothing()
    .returning({ key: outboundMessages.key });
  if (inserted.length > 0) return { key: message.key, outcome: 'recorded', providerId };
  const [existing] = await db.select({ providerId: outboundMessages.providerId }).from(outboundMessages).where(eq(outboundMessages.key, message.key));
  return { key: message.key, outcome: 'already-sent', providerId: existing?.providerId ?? providerId };
}

/** The same key gives the same id, so a replayed send answers what the first one did. */
function sandboxId(key: string): string {
  return `sandbox-${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
}
