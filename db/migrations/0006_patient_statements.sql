CREATE TABLE "patient_statements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"patient_id" uuid NOT NULL,
	"cycle" integer NOT NULL,
	"sequence" integer NOT NULL,
	"statement_on" date NOT NULL,
	"due_on" date NOT NULL,
	"amount_due" bigint NOT NULL,
	"claim_ids" jsonb NOT NULL,
	"pdf" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "patient_statements" ADD CONSTRAINT "patient_statements_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "patient_statements_patient_idx" ON "patient_statements" USING btree ("patient_id","statement_on");