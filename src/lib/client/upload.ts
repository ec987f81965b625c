import { ApiProblem, toApiProblem } from './api';

// A file sent to the org API with its upload progress (fetch cannot report it; XMLHttpRequest can).
// Errors become ApiProblem, as every other call's.

export interface UploadProgress {
  /** Bytes sent so far, and of how many. */
  sent: number;
  total: number;
}

export function uploadFile<T>(
  path: string,
  file: Blob,
  contentType: string,
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `${process.env.NEXT_PUBLIC_API_BASE ?? ''}${path}`);
    request.withCredentials = true;
    request.setRequestHeader('content-type', contentType);
    request.upload.onprogress = (event) =>
      onProgress({ sent: event.loaded, total: event.total || file.size });
    request.onload = () => {
      const response = new Response(request.responseText, {
        status: request.status,
        headers: { 'content-type': request.getResponseHeader('content-type') ?? 'application/json' },
      });
      if (request.status >= 200 && request.status < 300) {
        response.json().then((body) => resolve(body as T), reject);
      } else {
        toApiProblem(response).then(reject, reject);
      }
    };
    const unreachable = () =>
      reject(
        new ApiProblem(
          0,
          'Network error',
          'The console cannot be reached. Check your connection and try again.',
        ),
      );
    request.onerror = unreachable;
    request.onabort = () => reject(new ApiProblem(0, 'Cancelled', 'The upload was cancelled.'));
    signal?.addEventListener('abort', () => request.abort(), { once: true });
    request.send(file);
  });
}
