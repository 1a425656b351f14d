ALTER TABLE "orders" ADD COLUMN "workflow_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "remittances" ADD COLUMN "status" text DEFAULT 'received' NOT NULL;--> statement-breakpoint
ALTER TABLE "remittances" ADD COLUMN "posted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "remittances" ADD COLUMN "signals" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "remittances" ADD COLUMN "signalled_through" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "remittances" ADD COLUMN "credit_balance_workflows" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "remittances" ADD COLUMN "failure" text;--> statement-breakpoint
CREATE INDEX "orders_workflow_pending_idx" ON "orders" USING btree ("created_at") WHERE workflow_started_at is null;--> statement-breakpoint
CREATE INDEX "remittances_status_idx" ON "remittances" USING btree ("status");--> statement-breakpoint
-- Rows from before: orders were started in the request and remittances posted in it.
UPDATE "orders" SET "workflow_started_at" = "created_at";--> statement-breakpoint
UPDATE "remittances" SET "status" = 'posted', "posted_at" = "received_at";
