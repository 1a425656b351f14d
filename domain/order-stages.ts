/**
 * The stages of a DME order, in the order the workflow walks them (DESIGN.md, "The order
 * workflow"). Here rather than in workflows/ because db/ stores the stage as a column enum
 * and db/ does not import workflows/ (DESIGN.md, Rules of the house).
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
