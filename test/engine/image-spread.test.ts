import { expect, it } from 'vitest';
import { albumImages, albums } from '../../src/db/schema.js';
import { waitForTaskEnd } from '../support/api-server.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

const stack = useTestStack();
const TASKS = '/api/article-generation/tasks';
const N = 3;

it(`${N} articles written at once over an album of ${N} unused images each take a different image, each used once`, async () => {
  const { accountId, apiKey } = await newAccount(stack.database);
  await seedDistillations(stack.database, accountId, Array.from({ length: N }, (_, i) => ({ keyword: `spread-${accountId}-${i}` })));
  const { db } = stack.database;
  const [album] = await db.insert(albums).values({ accountId, name: 'spread' }).returning();
  const images = await db
    .insert(albumImages)
    .values(Array.from({ length: N }, (_, i) => ({ albumId: album!.id, url: `https://img.example/spread-${i}.png`, description: null })))
    .returning();
  // The LLM answers no article until all N are in flight: every image is picked before any is saved.
  let open!: () => void;
  const allAsked = new Promise<void>((resolve) => (open = resolve));
  stack.stub.setBehavior(async () => {
    if (stack.stub.inFlight >= N) open();
    await allAsked;
    return {};
  });

  const created = await stack.api.call('POST', TASKS, apiKey, { articleCount: N, concurrency: N, albumId: album!.id });
  expect(created.status, created.text).toBe(201);
  const taskId = created.body.taskId as number;
  const task = await waitForTaskEnd(taskId, async () => (await stack.api.call('GET', `${TASKS}/${taskId}`, apiKey)).body, 60_000);
  expect(task).toMatchObject({ status: 'completed', generatedCount: N });
  expect(stack.stub.maxInFlight).toBeGreaterThanOrEqual(N);

  const used = await stack.database.sql<{ image_url: string }[]>`SELECT image_url FROM articles WHERE task_id = ${taskId} ORDER BY position`;
  expect(new Set(used.map((a) => a.image_url)).size).toBe(N);
  expect(used.map((a) => a.image_url).sort()).toEqual(images.map((i) => i.url).sort());
  const counts = await stack.database.sql<{ usage_count: number }[]>`SELECT usage_count FROM album_images WHERE album_id = ${album!.id} ORDER BY id`;
  expect(counts.map((c) => c.usage_count)).toEqual(Array(N).fill(1));
});
