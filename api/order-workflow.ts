/**
 * How routes talk to the workflows: read an order's live status for display, and answer
 * a staff command (an Update) with what its workflow said.
 */
import type { Logger } from '../logger';
import type { OrderStatus } from '../workflows/definitions';
import type { CommandAnswer, TemporalPort } from './app';
import { ApiError, conflict, validationError } from './errors';

type LiveStatus = { answered: true; status: OrderStatus } | { answered: false; problem: string };

/** The workflow's own view, or why there is none (for reads that must not fail). */
export async function liveStatus(temporal: TemporalPort, orderId: string, logger: Logger): Promise<LiveStatus> {
  try {
    const status = await temporal.queryOrder(orderId);
    return status
      ? { answered: true, status }
      : { answered: false, problem: 'the order has no workflow (never started, or its history was removed)' };
  } catch (error) {
    logger.warn('order status query failed', { orderId, errorName: error instanceof Error ? error.name : 'unknown' });
    return { answered: false, problem: 'the workflow did not answer the status query in time' };
  }
}

/**
 * A staff command's answer as the API's: the workflow's new status when it accepted
 * the command; otherwise the error the refusal names (404/409/422 with its field),
 * 409 when the workflow is closed, 404 when there is none. A workflow that does not
 * answer in time is 503: the command waits on the server and may still be applied.
 */
export async function runCommand<S>(send: () => Promise<CommandAnswer<S>>, what: string, logger: Logger): Promise<S> {
  let answer: CommandAnswer<S>;
  try {
    answer = await send();
  } catch (error) {
    logger.warn('staff command not answered', { errorName: error instanceof Error ? error.name : 'unknown' });
    throw new ApiError(
      503,
      'temporal_unavailable',
      `${what}'s workflow did not answer in time. The command may still be applied once its worker runs: check its status before sending it again.`,
    );
  }
  switch (answer.outcome) {
    case 'accepted':
      return answer.status;
    case 'refused':
      if (answer.status === 404)
        throw new ApiError(404, 'not_found', answer.message, answer.field ? [{ field: answer.field, message: answer.message }] : undefined);
      if (answer.status === 422) throw validationError([{ field: answer.field ?? '(body)', message: answer.message }], 422);
      throw new ApiError(
        409,
        'conflict',
        `${what}: ${answer.message}`,
        answer.field ? [{ field: answer.field, message: answer.message }] : undefined,
      );
    case 'closed':
      throw conflict(`${what}'s workflow is no longer running`);
    case 'missing':
      throw new ApiError(404, 'not_found', `${what} has no workflow (never started, or its history was removed)`);
  }
}
