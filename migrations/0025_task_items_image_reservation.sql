ALTER TABLE "task_items" ADD COLUMN "image_id" integer;--> statement-breakpoint
CREATE INDEX "task_items_reserved_image_idx" ON "task_items" USING btree ("image_id") WHERE "task_items"."state" = 'reserved' AND "task_items"."image_id" IS NOT NULL;--> statement-breakpoint
-- Hand-written (drizzle-kit does not generate functions): the album image an article reserves, least used
-- counting the images that unsaved items already reserved. Picks of one album are serialized by a transaction
-- advisory lock (class 7010, held until the picking statement commits), and the query runs after it with a
-- snapshot of its own (a VOLATILE function's query takes a fresh one under READ COMMITTED), so it sees every
-- reservation committed before: articles written at once spread over the album instead of taking the same image.
CREATE FUNCTION artgen_reserve_album_image(p_album_id integer) RETURNS integer
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  picked integer;
BEGIN
  PERFORM pg_advisory_xact_lock(7010, p_album_id);
  SELECT ai.id INTO picked
  FROM album_images ai
  WHERE ai.album_id = p_album_id
  ORDER BY ai.usage_count + (SELECT count(*) FROM task_items ti WHERE ti.image_id = ai.id AND ti.state = 'reserved'), ai.id
  LIMIT 1;
  RETURN picked;
END
$fn$;
