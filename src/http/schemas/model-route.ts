import { z } from 'zod';
import { modelId } from '../../llm/models/model-config.js';

/** A route: an ordered list of registry ids (the first that answers writes), each named once. */
export const modelRoute = (field: string) =>
  z
    .array(modelId, { message: `${field} must be a list of model ids such as ["a", "b"]` })
    .min(1, `${field} must name at least one model`)
    .max(10, `${field} may name at most 10 models`)
    .refine((ids) => new Set(ids).size === ids.length, `${field} names a model twice`);
