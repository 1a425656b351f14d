ALTER TABLE "orders" ADD COLUMN "status" jsonb;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "status_recorded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "status_version" integer;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "next_follow_up_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "system_error" jsonb;--> statement-breakpoint
CREATE INDEX "orders_follow_up_idx" ON "orders" USING btree ("next_follow_up_at");