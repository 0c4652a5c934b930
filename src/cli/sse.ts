/** Server-Sent Events (the WHATWG event stream format) over eventsource-parser. */
import { createParser, type EventSourceParser } from 'eventsource-parser';

export interface SseMessage {
  /** The `id:` of this message, or undefined when it had none. */
  id: string | undefined;
  event: string;
  data: string;
}

/** An incremental parser: feed decoded text, get the messages it completed. */
export class SseParser {
  private completed: SseMessage[] = [];
  private readonly parser: EventSourceParser = createParser({
    onEvent: (e) => this.completed.push({ id: e.id, event: e.event || 'message', data: e.data }),
  });

  /** Feeds decoded text; returns the messages completed by it. */
  push(text: string): SseMessage[] {
    this.parser.feed(text);
    return this.completed.splice(0);
  }
}
