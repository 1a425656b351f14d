CREATE SEQUENCE "public"."interchange_control_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 999999999 START WITH 1 CACHE 1 CYCLE;--> statement-breakpoint
CREATE TABLE "adjustments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"claim_payment_id" uuid NOT NULL,
	"line_payment_id" uuid,
	"group_code" text NOT NULL,
	"reason_code" text NOT NULL,
	"amount" integer NOT NULL,
	"quantity" integer
);
--> statement-breakpoint
CREATE TABLE "claim_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"claim_id" uuid NOT NULL,
	"event_key" text NOT NULL,
	"kind" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "claim_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" uuid NOT NULL,
	"line_number" integer NOT NULL,
	"item_id" uuid NOT NULL,
	"hcpcs" text NOT NULL,
	"modifiers" jsonb NOT NULL,
	"units" integer NOT NULL,
	"charge" integer NOT NULL,
	"service_from" date NOT NULL,
	"service_to" date NOT NULL,
	"rental_month" integer,
	"line_control_number" text NOT NULL,
	"side" text DEFAULT '' NOT NULL,
	"voided" boolean DEFAULT false NOT NULL,
	"paid_amount" integer DEFAULT 0 NOT NULL,
	"allowed_amount" integer
);
--> statement-breakpoint
CREATE TABLE "claim_payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"remittance_id" uuid NOT NULL,
	"claim_id" uuid,
	"patient_control_number" text NOT NULL,
	"status_code" text NOT NULL,
	"outcome" text NOT NULL,
	"charge" integer NOT NULL,
	"paid" integer NOT NULL,
	"patient_responsibility" integer NOT NULL,
	"payer_claim_number" text NOT NULL,
	"remark_codes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "claims" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"claim_number" text NOT NULL,
	"payer_id" text NOT NULL,
	"service_from" date NOT NULL,
	"service_to" date NOT NULL,
	"rental_period" integer,
	"rental_month" integer,
	"total_charge" integer NOT NULL,
	"frequency_code" text DEFAULT '1' NOT NULL,
	"corrects_claim_id" uuid,
	"status" text NOT NULL,
	"status_reason" text,
	"interchange_control_number" text NOT NULL,
	"x12" text NOT NULL,
	"submitted_at" timestamp with time zone,
	"payer_claim_number" text,
	"paid_amount" integer DEFAULT 0 NOT NULL,
	"patient_responsibility" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"delivered_on" date NOT NULL,
	"signed_by" text NOT NULL,
	"relationship" text NOT NULL,
	"serial_numbers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reported_by" text NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"reference" text NOT NULL,
	"received_by" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone,
	"reject_reason" text
);
--> statement-breakpoint
CREATE TABLE "edi_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"direction" text NOT NULL,
	"transaction" text NOT NULL,
	"digest" text NOT NULL,
	"content" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "eligibility_checks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"coverage_id" uuid NOT NULL,
	"control_number" text NOT NULL,
	"request" text NOT NULL,
	"response" text NOT NULL,
	"active" boolean NOT NULL,
	"covers_dme" boolean NOT NULL,
	"summary" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"checked_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "line_payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_payment_id" uuid NOT NULL,
	"claim_line_id" uuid,
	"hcpcs" text NOT NULL,
	"modifiers" jsonb NOT NULL,
	"charge" integer NOT NULL,
	"paid" integer NOT NULL,
	"allowed" integer,
	"units" integer NOT NULL,
	"line_control_number" text,
	"service_from" date,
	"remark_codes" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"line_number" integer NOT NULL,
	"hcpcs" text NOT NULL,
	"quantity" integer NOT NULL,
	"acquisition" text NOT NULL,
	"side" text,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"unit_charge" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"patient_id" uuid NOT NULL,
	"coverage_id" uuid NOT NULL,
	"payer_id" text NOT NULL,
	"prescriber_npi" text NOT NULL,
	"order_date" date NOT NULL,
	"diagnoses" jsonb NOT NULL,
	"workflow_id" text NOT NULL,
	"stage" text DEFAULT 'documentation' NOT NULL,
	"blocked_on" text,
	"rental_month" integer,
	"cancel_reason" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prior_auths" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"hcpcs" jsonb NOT NULL,
	"status" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"tracking_number" text,
	"expires_on" date,
	"reason" text,
	"decided_by" text,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "provider_adjustments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"remittance_id" uuid NOT NULL,
	"provider_id" text NOT NULL,
	"fiscal_period_date" date NOT NULL,
	"reason_code" text NOT NULL,
	"reference_id" text,
	"amount" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "remittances" (
	"id" uuid PRIMARY KEY NOT NULL,
	"payer_identifier" text NOT NULL,
	"trace_number" text NOT NULL,
	"payer_name" text NOT NULL,
	"payment_amount" integer NOT NULL,
	"payment_method" text NOT NULL,
	"payment_date" date,
	"content" text NOT NULL,
	"source" text NOT NULL,
	"received_by" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"summary" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_claims" (
	"claim_number" text PRIMARY KEY NOT NULL,
	"file_control_number" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"x12" text NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"remitted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"task_key" text NOT NULL,
	"order_id" uuid,
	"claim_id" uuid,
	"role" text NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"due_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_by" text,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "adjustments" ADD CONSTRAINT "adjustments_claim_payment_id_claim_payments_id_fk" FOREIGN KEY ("claim_payment_id") REFERENCES "public"."claim_payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adjustments" ADD CONSTRAINT "adjustments_line_payment_id_line_payments_id_fk" FOREIGN KEY ("line_payment_id") REFERENCES "public"."line_payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_events" ADD CONSTRAINT "claim_events_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_lines" ADD CONSTRAINT "claim_lines_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_payments" ADD CONSTRAINT "claim_payments_remittance_id_remittances_id_fk" FOREIGN KEY ("remittance_id") REFERENCES "public"."remittances"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_payments" ADD CONSTRAINT "claim_payments_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "eligibility_checks" ADD CONSTRAINT "eligibility_checks_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "line_payments" ADD CONSTRAINT "line_payments_claim_payment_id_claim_payments_id_fk" FOREIGN KEY ("claim_payment_id") REFERENCES "public"."claim_payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "line_payments" ADD CONSTRAINT "line_payments_claim_line_id_claim_lines_id_fk" FOREIGN KEY ("claim_line_id") REFERENCES "public"."claim_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_coverage_id_coverages_id_fk" FOREIGN KEY ("coverage_id") REFERENCES "public"."coverages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_payer_id_payers_id_fk" FOREIGN KEY ("payer_id") REFERENCES "public"."payers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_prescriber_npi_prescribers_npi_fk" FOREIGN KEY ("prescriber_npi") REFERENCES "public"."prescribers"("npi") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prior_auths" ADD CONSTRAINT "prior_auths_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_adjustments" ADD CONSTRAINT "provider_adjustments_remittance_id_remittances_id_fk" FOREIGN KEY ("remittance_id") REFERENCES "public"."remittances"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "adjustments_claim_payment_idx" ON "adjustments" USING btree ("claim_payment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "claim_events_key_uq" ON "claim_events" USING btree ("claim_id","event_key");--> statement-breakpoint
CREATE UNIQUE INDEX "claim_lines_control_number_uq" ON "claim_lines" USING btree ("line_control_number");--> statement-breakpoint
CREATE UNIQUE INDEX "claim_lines_item_period_uq" ON "claim_lines" USING btree ("item_id","service_from","side") WHERE voided = false;--> statement-breakpoint
CREATE INDEX "claim_payments_claim_idx" ON "claim_payments" USING btree ("claim_id");--> statement-breakpoint
CREATE INDEX "claim_payments_remittance_idx" ON "claim_payments" USING btree ("remittance_id");--> statement-breakpoint
CREATE UNIQUE INDEX "claims_claim_number_uq" ON "claims" USING btree ("claim_number");--> statement-breakpoint
CREATE INDEX "claims_order_idx" ON "claims" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "claims_status_idx" ON "claims" USING btree ("status");--> statement-breakpoint
CREATE INDEX "documents_order_idx" ON "documents" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "edi_files_digest_uq" ON "edi_files" USING btree ("direction","digest");--> statement-breakpoint
CREATE INDEX "eligibility_checks_order_idx" ON "eligibility_checks" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "line_payments_claim_line_idx" ON "line_payments" USING btree ("claim_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "order_items_order_line_uq" ON "order_items" USING btree ("order_id","line_number");--> statement-breakpoint
CREATE INDEX "orders_stage_idx" ON "orders" USING btree ("stage");--> statement-breakpoint
CREATE INDEX "orders_payer_idx" ON "orders" USING btree ("payer_id");--> statement-breakpoint
CREATE INDEX "orders_patient_idx" ON "orders" USING btree ("patient_id");--> statement-breakpoint
CREATE INDEX "prior_auths_order_idx" ON "prior_auths" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "remittances_payer_trace_uq" ON "remittances" USING btree ("payer_identifier","trace_number");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_key_uq" ON "tasks" USING btree ("task_key");--> statement-breakpoint
CREATE INDEX "tasks_role_status_idx" ON "tasks" USING btree ("role","status");