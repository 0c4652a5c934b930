/** Live writing: an article's text carried from the worker to the task's event streams while it is written, never stored. */
export { createDeltaPublisher, DELTA_INTERVAL_MS, SEND_WAIT_MS, type DeltaPublisher, type DeltaPublisherOptions } from './delta-publisher.js';
export { attemptFailedPayload, createLiveDecoder, deltaPayloads, LIVE_CHANNEL, MAX_PAYLOAD_BYTES, type LiveMessage, type LiveTarget } from './live-messages.js';
