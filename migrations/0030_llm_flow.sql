CREATE TABLE "llm_model_health" (
	"model_id" text PRIMARY KEY NOT NULL,
	"state" text DEFAULT 'closed' NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"open_until" timestamp with time zone,
	"trial_until" timestamp with time zone,
	"retry_after_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llm_model_health_state_check" CHECK ("llm_model_health"."state" in ('closed', 'open', 'half_open'))
);
--> statement-breakpoint
CREATE TABLE "llm_model_requests" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "llm_model_requests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"model_id" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_expires_at" timestamp with time zone NOT NULL,
	"released_at" timestamp with time zone,
	"tokens" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX "llm_model_requests_model_time_idx" ON "llm_model_requests" USING btree ("model_id","sent_at");--> statement-breakpoint
-- Hand-written (drizzle-kit does not generate functions): admits one request to a model when its circuit breaker lets
-- it (llm_model_health) and it has room within its concurrency, requests per minute and tokens per minute, counted over
-- every worker (src/llm/models/flow-control.ts). Admissions of one model are serialized by a transaction advisory lock
-- (class 7011, held until the calling statement commits), and the queries run after it with snapshots of their own (a
-- VOLATILE function's query takes a fresh one under READ COMMITTED), so two workers never both take the last slot or
-- the one trial request. One round trip, and the lock is held for the function alone. Its commit does not wait for
-- the WAL flush (synchronous_commit off for this transaction only): leases and window counts live for a minute, and a
-- database crash that lost the last few only lets a few requests more through right after it, while the attempt rows
-- (the books) stay durable.
-- verdict: 'admitted' (lease_id, null without limits; trial: this request is the breaker's trial), 'wait' (wait_ms until
-- the window's oldest request leaves it or the provider's Retry-After passes; null: until a slot frees), 'unhealthy'
-- (wait_ms until the cool-down or the running trial's hold ends).
CREATE FUNCTION artgen_llm_admit(p_model_id text, p_max_concurrency integer, p_rpm integer, p_tpm integer, p_tokens integer, p_lease_ms integer,
  OUT verdict text, OUT lease_id bigint, OUT wait_ms double precision, OUT trial boolean)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_now timestamptz;
  v_health llm_model_health%ROWTYPE;
  v_in_flight integer;
  v_requests integer;
  v_tokens bigint;
  v_oldest timestamptz;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM pg_advisory_xact_lock(7011, hashtext(p_model_id));
  v_now := clock_timestamp();
  trial := false;
  SELECT * INTO v_health FROM llm_model_health WHERE model_id = p_model_id;
  IF FOUND THEN
    IF v_health.state = 'open' AND v_health.open_until > v_now THEN
      verdict := 'unhealthy'; wait_ms := extract(epoch FROM v_health.open_until - v_now) * 1000; RETURN;
    END IF;
    IF v_health.state = 'half_open' AND v_health.trial_until > v_now THEN
      verdict := 'unhealthy'; wait_ms := extract(epoch FROM v_health.trial_until - v_now) * 1000; RETURN;
    END IF;
    IF v_health.retry_after_until > v_now THEN
      verdict := 'wait'; wait_ms := extract(epoch FROM v_health.retry_after_until - v_now) * 1000; RETURN;
    END IF;
    trial := v_health.state <> 'closed';
  END IF;
  IF p_max_concurrency IS NOT NULL OR p_rpm IS NOT NULL OR p_tpm IS NOT NULL THEN
    DELETE FROM llm_model_requests
    WHERE model_id = p_model_id AND sent_at < v_now - interval '60 seconds' AND (released_at IS NOT NULL OR lease_expires_at <= v_now);
    SELECT count(*) FILTER (WHERE released_at IS NULL AND lease_expires_at > v_now),
           count(*) FILTER (WHERE sent_at > v_now - interval '60 seconds'),
           coalesce(sum(tokens) FILTER (WHERE sent_at > v_now - interval '60 seconds'), 0),
           min(sent_at) FILTER (WHERE sent_at > v_now - interval '60 seconds')
      INTO v_in_flight, v_requests, v_tokens, v_oldest
    FROM llm_model_requests WHERE model_id = p_model_id;
    IF (p_rpm IS NOT NULL AND v_requests >= p_rpm) OR (p_tpm IS NOT NULL AND v_requests > 0 AND v_tokens + p_tokens > p_tpm) THEN
      verdict := 'wait'; wait_ms := greatest(1, extract(epoch FROM v_oldest + interval '60 seconds' - v_now) * 1000); RETURN;
    END IF;
    IF p_max_concurrency IS NOT NULL AND v_in_flight >= p_max_concurrency THEN
      verdict := 'wait'; RETURN;
    END IF;
    INSERT INTO llm_model_requests (model_id, sent_at, lease_expires_at, tokens)
    VALUES (p_model_id, v_now, v_now + p_lease_ms * interval '1 millisecond', p_tokens)
    RETURNING id INTO lease_id;
  END IF;
  IF trial THEN
    -- The cool-down passed (or the last trial's worker died): this request is the trial, held for its lease time.
    UPDATE llm_model_health SET state = 'half_open', trial_until = v_now + p_lease_ms * interval '1 millisecond', updated_at = v_now
    WHERE model_id = p_model_id;
  END IF;
  verdict := 'admitted';
END
$fn$;
