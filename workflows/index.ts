/** The workflows the worker registers (the bundler starts here). */
export { dmeOrderWorkflow } from './order';
