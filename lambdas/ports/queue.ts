/**
 * A work queue with visibility timeouts and redrive to a dead-letter queue after N receives:
 * SQS in AWS, a file-backed queue in `npm start`.
 */
export interface QueueMessageInput {
  readonly body: string;
  /** Seconds before the message can be received (0–900). */
  readonly delaySeconds?: number;
}

export interface ReceivedMessage {
  readonly messageId: string;
  readonly body: string;
  /** Opaque handle for `delete` / `changeVisibility`; valid until the message becomes visible again. */
  readonly receiptHandle: string;
  /** How many times the message has been received, this time included. */
  readonly receiveCount: number;
  /** Epoch milliseconds when the message was sent. */
  readonly sentAt: number;
}

export interface ReceiveOptions {
  readonly maxMessages: number;
  /** Defaults to the queue's visibility timeout. */
  readonly visibilityTimeoutSeconds?: number;
  /** Long polling: wait up to this long for a first message (0 answers at once). */
  readonly waitTimeMs?: number;
}

export interface Queue {
  readonly name: string;
  /** Resolves once every message is durably enqueued. */
  send(messages: readonly QueueMessageInput[]): Promise<void>;
  receive(options: ReceiveOptions): Promise<ReceivedMessage[]>;
  delete(receiptHandle: string): Promise<void>;
  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void>;
  /** Approximate number of messages waiting (visible or in flight). */
  depth(): Promise<number>;
}
