/**
 * The Temporal UI's page of a workflow, where operators inspect, cancel or reset a task.
 * @example temporalUiWorkflowUrl('http://127.0.0.1:8233', 'default', 'article-task-7')
 * // 'http://127.0.0.1:8233/namespaces/default/workflows/article-task-7'
 */
export function temporalUiWorkflowUrl(uiUrl: string, namespace: string, workflowId: string) {
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
