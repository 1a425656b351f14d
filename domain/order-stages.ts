/**
 * The stages of a DME order, in the order the workflow walks them (DESIGN.md, "The order
 * workflow"), and what a stage can wait for. Here rather than in workflows/ because db/
 * stores both as column enums and db/ does not import workflows/ (DESIGN.md, Rules of the
 * house).
 */
export const orderStages = [
  'documentation',
  'eligibility',
  'prior-auth',
  'delivery',
  'coding',
  'submission',
  'rental',
  'receivables',
  'closed',
  'cancelled',
] as const;
export type OrderStage = (typeof orderStages)[number];

/** The stages an order ends in: every other stage is an open order. */
export const finalOrderStages = ['closed', 'cancelled'] as const satisfies readonly OrderStage[];

/** What a stage can be waiting for (search attribute `DmeBlockedOn`, the orders table's blocked_on). */
/** 'system-error' is shown, never waited on: an activity that keeps failing (activities/stuck-work.ts) overlays the stage's own blocker. */
export const blockers = ['documents', 'coverage', 'prior-auth', 'delivery', 'claim-fix', 'remittance', 'system-error'] as const;
export type BlockedOn = (typeof blockers)[number];
