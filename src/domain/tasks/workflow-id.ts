/** The Temporal workflow id of a task: what operators search for in the Temporal UI. */
export const taskWorkflowId = (taskId: number) => `article-task-${taskId}`;
