CREATE TABLE "inquiry_control_numbers" (
	"inquiry_key" text PRIMARY KEY NOT NULL,
	"control_number" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
