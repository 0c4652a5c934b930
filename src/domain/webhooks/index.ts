/** Webhooks: subscriptions, the outbox of events, publish on approval, signing, SSRF-safe sending and the delivery log. */
export { createWebhook, deleteWebhook, listWebhooks, requireWebhook, type NewWebhook } from './subscriptions.js';
export { enqueueWebhookEvent, NEW_MESSAGE_ID } from './outbox.js';
export { getDelivery, listDeliveries, markDeliveryStarted, redeliver, unstartedDeliveries, type DeliveryFilter } from './delivery-log.js';
export { deliveryBody, failDelivery, loadDeliveryToSend, recordDeliveryAttempt, type AttemptOutcome } from './sending.js';
export { enqueueTestEvent } from './test-event.js';
export { getPublishing, MAX_PUBLISHING_INTERVAL_MINUTES, putPublishing, stopPublishing, type PublishingClock, type PublishingInput } from './publishing-settings.js';
export { claimPublicationSlots, enqueuePublications, publicationStub } from './publication-slots.js';
export { preparePublication } from './publication-check.js';
export { checkWebhookSecret, generateWebhookSecret, signWebhook } from './signing.js';
export { openWebhookSecret, type SecretSealer } from './secret-sealing.js';
export { checkWebhookTarget, hostAddresses, isAllowedTargetAddress, resolvePublicAddresses, WebhookTargetNotAllowed } from './target-address.js';
export { isGlobalUnicast } from './global-unicast.js';
export { guardedLookup, postWebhook, type PostResult } from './http-post.js';
