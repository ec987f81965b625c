// JSON text of a large value in pieces, with a pause between them (docs/decisions/031): one
// JSON.stringify of a whole org's graph holds the event loop for tens of milliseconds, during which no
// other request moves. The text is the same as JSON.stringify's for plain data (objects, arrays,
// strings, numbers, booleans, null).

const SLICE = 2000;

/** The JSON text of `value`, long arrays `SLICE` elements at a time, `pause` awaited between slices. */
export async function* jsonSlices(value: unknown, pause: () => Promise<void>): AsyncGenerator<string> {
  if (Array.isArray(value)) {
    if (value.length <= SLICE) {
      yield JSON.stringify(value);
      return;
    }
    yield '[';
    for (let start = 0; start < value.length; start += SLICE) {
      await pause();
      const inner = JSON.stringify(value.slice(start, start + SLICE)).slice(1, -1);
      yield start === 0 ? inner : `,${inner}`;
    }
    yield ']';
    return;
  }
  if (value !== null && typeof value === 'object') {
    yield '{';
    let first = true;
    for (const [key, member] of Object.entries(value)) {
      // JSON.stringify leaves out members that are undefined (and functions, which plain data lacks).
      if (member === undefined) continue;
      yield `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      yield* jsonSlices(member, pause);
    }
    yield '}';
    return;
  }
  yield JSON.stringify(value) ?? 'null';
}

/** `jsonSlices` as a response body, the pieces gathered into chunks of a useful size. */
export function jsonStream(value: unknown, pause: () => Promise<void>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const pieces = jsonSlices(value, pause);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = '';
      while (chunk.length < 64 * 1024) {
        const next = await pieces.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += next.value;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await pieces.return(undefined);
    },
  });
}
