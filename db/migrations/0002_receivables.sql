CREATE TABLE "appeals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"claim_id" uuid NOT NULL,
	"level" text NOT NULL,
	"status" text NOT NULL,
	"denial_codes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"amount" integer NOT NULL,
	"prerequisite" text,
	"determination_on" date NOT NULL,
	"deadline_on" date NOT NULL,
	"filed_on" date,
	"filed_by" text,
	"reference" text,
	"decided_on" date,
	"decided_by" text,
	"decision" text,
	"decision_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_balances" (
	"id" uuid PRIMARY KEY NOT NULL,
	"claim_id" uuid NOT NULL,
	"payer_id" text NOT NULL,
	"party" text NOT NULL,
	"reason" text NOT NULL,
	"amount" integer NOT NULL,
	"identified_at" timestamp with time zone NOT NULL,
	"deadline_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"resolution" text,
	"target_claim_id" uuid,
	"consent" boolean,
	"reference" text,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entry_key" text NOT NULL,
	"claim_id" uuid NOT NULL,
	"party" text NOT NULL,
	"kind" text NOT NULL,
	"amount" integer NOT NULL,
	"remittance_id" uuid,
	"credit_balance_id" uuid,
	"reason" text,
	"actor" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "resolution" text;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_balances" ADD CONSTRAINT "credit_balances_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "appeals_claim_idx" ON "appeals" USING btree ("claim_id");--> statement-breakpoint
CREATE INDEX "appeals_status_idx" ON "appeals" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_balances_open_uq" ON "credit_balances" USING btree ("claim_id","party") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "credit_balances_status_idx" ON "credit_balances" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_key_uq" ON "ledger_entries" USING btree ("entry_key");--> statement-breakpoint
CREATE INDEX "ledger_entries_claim_idx" ON "ledger_entries" USING btree ("claim_id");