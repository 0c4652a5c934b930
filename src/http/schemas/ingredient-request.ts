import { z } from 'zod';
import { httpUrl } from './input-rules.js';

/** The requests that set up a task's ingredients: the same rules in the API and the console's forms. */

const text = (field: string, max: number) =>
  z.string().trim().min(1, `${field} is required`).max(max, `${field} must be at most ${max} characters`);
const optionalText = (field: string, max: number) => text(field, max).nullish();

/** The most images one album holds (a create request's list, and what adding one at a time may reach). */
export const MAX_ALBUM_IMAGES = 500;

export const articleSettingInput = z.object({ name: text('name', 200), prompt: text('prompt', 20_000) });

export const knowledgeBaseInput = z.object({
  name: text('name', 200),
  documents: z.array(z.object({ title: text('title', 500), content: text('content', 200_000) })).max(200).default([]),
});

/** One image of an album: an http(s) URL a browser may follow, and what it shows. */
export const albumImageInput = z.object({ url: httpUrl('url'), description: optionalText('description', 500) });

export const albumNameInput = z.object({ name: text('name', 200) });

export const albumInput = albumNameInput.extend({
  images: z.array(albumImageInput).max(MAX_ALBUM_IMAGES).default([]),
});

export const conversionTargetInput = z.object({
  companyName: text('companyName', 200),
  industry: optionalText('industry', 200),
  website: httpUrl('website').nullish(),
  address: optionalText('address', 500),
});
