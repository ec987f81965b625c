/**
 * The buffers of the typed arrays in `value` (in its objects and arrays of objects, at any depth) that
 * may be handed to another thread instead of copied: those a single view covers whole. A view of part
 * of a buffer (a subarray, a Buffer from Node's shared pool) is copied, so that handing it over
 * empties nothing else. The sender's views of the buffers handed over are empty afterwards.
 */
export function transferables(value: unknown, found: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    const { buffer } = value;
    if (buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === buffer.byteLength)
      found.add(buffer);
  } else if (Array.isArray(value)) {
    // Arrays of plain values hold no buffers; only look into arrays of objects.
    if (value.length > 0 && typeof value[0] === 'object')
      for (const item of value) transferables(item, found);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) transferables(item, found);
  }
  return [...found];
}
