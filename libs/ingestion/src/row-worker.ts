import { parentPort, workerData } from 'node:worker_threads';
import { createRowSerializer, type RowSerializerOptions } from './file-rows';
import { unpackEvents, type PackedEvents } from './packed-events';

// Worker-thread entry (see RowWorkerPool): serializes batches of read rows into COPY text.
// Messages in: { id, packed }; out: { id, chunk } or { id, error }.

if (parentPort) {
  const port = parentPort;
  const serialize = createRowSerializer(workerData as RowSerializerOptions);
  port.on('message', (msg: { id: number; packed: PackedEvents }) => {
    try {
      port.postMessage({ id: msg.id, chunk: serialize(unpackEvents(msg.packed)) });
    } catch (e) {
      port.postMessage({ id: msg.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
}
