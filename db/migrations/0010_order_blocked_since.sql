ALTER TABLE "orders" ADD COLUMN "blocked_since" timestamp with time zone;--> statement-breakpoint
-- Orders already waiting: the best the rows know is when their status was last recorded (a lower bound of the time on hold).
UPDATE "orders" SET "blocked_since" = COALESCE("status_recorded_at", "updated_at") WHERE "blocked_on" IS NOT NULL;
