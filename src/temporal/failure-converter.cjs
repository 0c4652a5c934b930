// The failure converter of every client, worker and workflow bundle (loaded by path: the workflow
// sandbox bundles it). Failure messages and stack traces move into an encoded attribute, so the payload
// codec encrypts them like any payload: a provider's error quoting a prompt stays out of the history.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS on purpose: the SDK loads this path with require()
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
