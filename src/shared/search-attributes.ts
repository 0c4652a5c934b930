import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attributes operators filter on in the Temporal UI, e.g. `TaskStatus = "running"`. */
export const TASK_ID = defineSearchAttributeKey('TaskId', SearchAttributeType.INT);
export const TASK_STATUS = defineSearchAttributeKey('TaskStatus', SearchAttributeType.KEYWORD);
export const ACCOUNT_ID = defineSearchAttributeKey('AccountId', SearchAttributeType.INT);
export const PRIORITY = defineSearchAttributeKey('Priority', SearchAttributeType.INT);

export const SEARCH_ATTRIBUTE_TYPES = { TaskId: 'Int', TaskStatus: 'Keyword', AccountId: 'Int', Priority: 'Int' } as const;
