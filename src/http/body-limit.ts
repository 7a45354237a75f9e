import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** The largest request body accepted: far above any operation this API takes (queries are
 * capped at 2,000 tokens; the longest text field is 5,000 characters). */
export const REQUEST_BODY_LIMIT_BYTES = 1_000_000;

const tooLarge = () =>
  createGraphQLError('Request body too large.', {
    extensions: { code: 'REQUEST_ENTITY_TOO_LARGE', http: { status: 413 } },
  });
const badLength = () =>
  createGraphQLError('Content-Length header is invalid.', {
    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
  });

/**
 * Caps request bodies (Yoga's own cap is switched off for this one). Yoga pipes every body
 * through a counting TransformStream, which costs a stream pipeline per request (a few per cent
 * of the CPU of a small query). A body with a valid Content-Length needs none: the HTTP parser
 * never delivers more than it declares, so checking the header is enough. Only a body without
 * one (chunked) is counted as it arrives.
 */
export function useRequestBodyLimit(limit = REQUEST_BODY_LIMIT_BYTES): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const length = request.headers.get('content-length');
      if (length !== null) {
        if (!/^\d+$/.test(length)) throw badLength();
        if (Number(length) > limit) throw tooLarge();
        return;
      }
      const body = request.body;
      if (!requestParser || !body) return;
      let read = 0;
      const counted = body.pipeThrough(
        new fetchAPI.TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            read += chunk.byteLength;
            if (read > limit) controller.error(tooLarge());
            else controller.enqueue(chunk);
          },
        }),
      );
      const limited = new fetchAPI.Request(request.url, {
        method: request.method,
        headers: request.headers,
        signal: request.signal,
        body: counted,
        duplex: 'half',
      } as RequestInit);
      setRequestParser((req) => requestParser(req === request ? limited : req));
    },
  };
}
