/** Replaced by the Temporal binaries provisioning (scripts/temporal-binaries.ts). */
export default async function globalSetup(): Promise<void> {}
