import type { MessageProcessor } from './processor';
import type { Transport } from './transport';

/** Connects a transport to the processor: every delivered message goes through it. */
export async function startWorker(transport: Transport, processor: MessageProcessor): Promise<void> {
  await transport.start(async (message, heartbeat) => {
    await processor.process(message, heartbeat);
  });
}
