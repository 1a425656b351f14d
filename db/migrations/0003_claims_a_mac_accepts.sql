CREATE TABLE "inquiry_control_numbers" (
	"inquiry_key" text PRIMARY KEY NOT NULL,
	"control_number" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "patient_addresses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"line1" text NOT NULL,
	"line2" text,
	"city" text NOT NULL,
	"state" text NOT NULL,
	"zip" text NOT NULL,
	"effective_on" date,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "adjustments" ALTER COLUMN "amount" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "appeals" ALTER COLUMN "amount" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "claim_lines" ALTER COLUMN "charge" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "claim_lines" ALTER COLUMN "paid_amount" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "claim_lines" ALTER COLUMN "allowed_amount" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "claim_payments" ALTER COLUMN "charge" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "claim_payments" ALTER COLUMN "paid" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "claim_payments" ALTER COLUMN "patient_responsibility" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "claims" ALTER COLUMN "total_charge" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "claims" ALTER COLUMN "paid_amount" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "claims" ALTER COLUMN "patient_responsibility" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "credit_balances" ALTER COLUMN "amount" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "ledger_entries" ALTER COLUMN "amount" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "line_payments" ALTER COLUMN "charge" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "line_payments" ALTER COLUMN "paid" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "line_payments" ALTER COLUMN "allowed" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "order_items" ALTER COLUMN "unit_charge" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "provider_adjustments" ALTER COLUMN "amount" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "remittances" ALTER COLUMN "payment_amount" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "oxygen" jsonb;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "workflow_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payers" ADD COLUMN "remittance_payer_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "remittances" ADD COLUMN "status" text DEFAULT 'received' NOT NULL;--> statement-breakpoint
ALTER TABLE "remittances" ADD COLUMN "posted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "remittances" ADD COLUMN "signals" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "remittances" ADD COLUMN "signalled_through" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "remittances" ADD COLUMN "credit_balance_workflows" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "remittances" ADD COLUMN "failure" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "patient_addresses" ADD CONSTRAINT "patient_addresses_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "patient_addresses_patient_effective_uq" ON "patient_addresses" USING btree ("patient_id","effective_on");--> statement-breakpoint
CREATE INDEX "orders_workflow_pending_idx" ON "orders" USING btree ("created_at") WHERE workflow_started_at is null;--> statement-breakpoint
CREATE INDEX "remittances_status_idx" ON "remittances" USING btree ("status");--> statement-breakpoint
-- Hand-added: patients registered before address history keep their address as the registration one.
INSERT INTO "patient_addresses" ("patient_id", "line1", "line2", "city", "state", "zip", "effective_on", "created_by")
SELECT "id", "address_line1", "address_line2", "city", "state", "zip", NULL, "created_by" FROM "patients";
-- Rows from before: orders were started in the request and remittances posted in it.
--> statement-breakpoint
UPDATE "orders" SET "workflow_started_at" = "created_at";
--> statement-breakpoint
UPDATE "remittances" SET "status" = 'posted', "posted_at" = "received_at";
