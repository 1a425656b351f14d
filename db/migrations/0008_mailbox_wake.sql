CREATE TABLE "mailbox_wake" (
	"id" integer PRIMARY KEY NOT NULL,
	"requested" boolean DEFAULT false NOT NULL,
	"requested_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
