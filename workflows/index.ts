/** The workflows the worker registers (the bundler starts here). */
export { dmeOrderWorkflow } from './order';
export { claimWorkflow } from './claim';
export { clearinghouseMailboxWorkflow } from './mailbox';
export { creditBalanceWorkflow } from './credit-balance';
export { remittanceWorkflow } from './remittance';
export { patientStatementsWorkflow } from './patient-statements';
export { resupplyPlanWorkflow } from './resupply';
