CREATE TABLE "claim_payers" (
	"claim_id" uuid NOT NULL,
	"level" text NOT NULL,
	"payer_id" text NOT NULL,
	"coverage_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"x12" text,
	"interchange_control_number" text,
	"submitted_at" timestamp with time zone,
	"payer_claim_number" text,
	"adjudicated_on" date,
	"paid_amount" bigint DEFAULT 0 NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claim_payers_claim_id_level_pk" PRIMARY KEY("claim_id","level")
);
--> statement-breakpoint
ALTER TABLE "claim_payments" ADD COLUMN "payer_id" text;--> statement-breakpoint
ALTER TABLE "claim_payments" ADD COLUMN "payer_level" text;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "payer_level" text DEFAULT 'primary' NOT NULL;--> statement-breakpoint
ALTER TABLE "coverages" ADD COLUMN "msp_type" text;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "payer_id" text;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "payer_level" text;--> statement-breakpoint
ALTER TABLE "claim_payers" ADD CONSTRAINT "claim_payers_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_payers" ADD CONSTRAINT "claim_payers_payer_id_payers_id_fk" FOREIGN KEY ("payer_id") REFERENCES "public"."payers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_payers" ADD CONSTRAINT "claim_payers_coverage_id_coverages_id_fk" FOREIGN KEY ("coverage_id") REFERENCES "public"."coverages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "claim_payers_claim_payer_uq" ON "claim_payers" USING btree ("claim_id","payer_id");--> statement-breakpoint
CREATE INDEX "claim_payers_payer_idx" ON "claim_payers" USING btree ("payer_id");--> statement-breakpoint
-- Claims made before coordination of benefits were billed to their order's coverage alone: that is their primary.
INSERT INTO "claim_payers" ("claim_id", "level", "payer_id", "coverage_id", "status", "interchange_control_number", "submitted_at", "payer_claim_number", "paid_amount")
SELECT c."id", 'primary', c."payer_id", o."coverage_id",
  CASE WHEN c."submitted_at" IS NULL THEN 'pending' WHEN c."payer_claim_number" IS NULL THEN 'submitted' ELSE 'adjudicated' END,
  c."interchange_control_number", c."submitted_at", c."payer_claim_number", c."paid_amount"
FROM "claims" c JOIN "orders" o ON o."id" = c."order_id"
ON CONFLICT DO NOTHING;--> statement-breakpoint
UPDATE "ledger_entries" l SET "payer_id" = c."payer_id", "payer_level" = 'primary'
FROM "claims" c WHERE c."id" = l."claim_id" AND l."party" = 'payer';--> statement-breakpoint
UPDATE "claim_payments" p SET "payer_id" = c."payer_id", "payer_level" = 'primary'
FROM "claims" c WHERE c."id" = p."claim_id";
