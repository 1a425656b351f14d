CREATE TABLE "outbound_messages" (
	"key" text PRIMARY KEY NOT NULL,
	"plan_id" uuid,
	"channel" text NOT NULL,
	"adapter" text NOT NULL,
	"recipient" text NOT NULL,
	"subject" text,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"provider_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "resupply_cycles" (
	"plan_id" uuid NOT NULL,
	"cycle" integer NOT NULL,
	"due_on" date NOT NULL,
	"contact_opens_on" date NOT NULL,
	"earliest_ship_on" date NOT NULL,
	"hcpcs" jsonb NOT NULL,
	"outcome" text DEFAULT 'open' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_contact_at" timestamp with time zone,
	"confirmation" jsonb,
	"order_id" uuid,
	"closed_on" date,
	CONSTRAINT "resupply_cycles_plan_id_cycle_pk" PRIMARY KEY("plan_id","cycle")
);
--> statement-breakpoint
CREATE TABLE "resupply_plan_items" (
	"plan_id" uuid NOT NULL,
	"hcpcs" text NOT NULL,
	"last_delivered_on" date NOT NULL,
	"unit_charge" bigint NOT NULL,
	CONSTRAINT "resupply_plan_items_plan_id_hcpcs_pk" PRIMARY KEY("plan_id","hcpcs")
);
--> statement-breakpoint
CREATE TABLE "resupply_plans" (
	"id" uuid PRIMARY KEY NOT NULL,
	"patient_id" uuid NOT NULL,
	"coverage_id" uuid NOT NULL,
	"device_order_id" uuid,
	"device_hcpcs" text NOT NULL,
	"prescriber_npi" text NOT NULL,
	"order_date" date NOT NULL,
	"diagnoses" jsonb NOT NULL,
	"cycle_months" integer NOT NULL,
	"channel" text NOT NULL,
	"contact_phone" text,
	"contact_email" text,
	"opted_out_at" timestamp with time zone,
	"status" text DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"next_due_on" date,
	"next_contact_on" date,
	"status_version" integer DEFAULT 0 NOT NULL,
	"workflow_id" text NOT NULL,
	"workflow_started_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "resupply" jsonb;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "resupply_plan_id" uuid;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD CONSTRAINT "outbound_messages_plan_id_resupply_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."resupply_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resupply_cycles" ADD CONSTRAINT "resupply_cycles_plan_id_resupply_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."resupply_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resupply_cycles" ADD CONSTRAINT "resupply_cycles_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resupply_plan_items" ADD CONSTRAINT "resupply_plan_items_plan_id_resupply_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."resupply_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resupply_plans" ADD CONSTRAINT "resupply_plans_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resupply_plans" ADD CONSTRAINT "resupply_plans_coverage_id_coverages_id_fk" FOREIGN KEY ("coverage_id") REFERENCES "public"."coverages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resupply_plans" ADD CONSTRAINT "resupply_plans_device_order_id_orders_id_fk" FOREIGN KEY ("device_order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resupply_plans" ADD CONSTRAINT "resupply_plans_prescriber_npi_prescribers_npi_fk" FOREIGN KEY ("prescriber_npi") REFERENCES "public"."prescribers"("npi") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "resupply_cycles_closed_idx" ON "resupply_cycles" USING btree ("closed_on");--> statement-breakpoint
CREATE INDEX "resupply_plans_patient_idx" ON "resupply_plans" USING btree ("patient_id");--> statement-breakpoint
CREATE INDEX "resupply_plans_status_idx" ON "resupply_plans" USING btree ("status","next_contact_on");--> statement-breakpoint
CREATE INDEX "resupply_plans_device_order_idx" ON "resupply_plans" USING btree ("device_order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "resupply_plans_one_active_uq" ON "resupply_plans" USING btree ("patient_id","device_hcpcs") WHERE status <> 'stopped';