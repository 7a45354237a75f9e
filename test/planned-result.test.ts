import { describe, expect, it, jest } from '@jest/globals';
import { plannedResult, withExtensions } from '../src/server/planned-execution.js';

/** How Yoga writes a result: its own `stringify` when it has one (graphql-yoga result-processor). */
const write = (result: object) =>
  ((result as { stringify?: (r: object) => string }).stringify ?? JSON.stringify)(result);

const DATA = '{"me":{"name":"Ada \\"A\\"","tasks":[{"id":"QTox"}],"none":null}}';

describe('a planned result', () => {
  it('is written with the statement text as data, the bytes JSON.stringify gives for the parsed value', () => {
    const result = plannedResult(DATA);
    expect(write(result)).toBe(`{"data":${DATA}}`);
    expect(write(result)).toBe(JSON.stringify({ data: JSON.parse(DATA) as unknown }));
  });

  it('writes what plugins add beside data, in the order they added it', () => {
    const result = plannedResult(DATA) as { extensions?: unknown };
    result.extensions = { deprecations: [{ coordinate: 'Query.x' }] };
    expect(write(result)).toBe(`{"data":${DATA},"extensions":{"deprecations":[{"coordinate":"Query.x"}]}}`);
  });

  it('parses data only for a plugin that reads it, and writes data a plugin set', () => {
    const result = plannedResult(DATA);
    expect(result.data).toEqual(JSON.parse(DATA));
    expect(write(result)).toBe(`{"data":${DATA}}`);
    result.data = { me: null };
    expect(write(result)).toBe('{"data":{"me":null}}');
  });

  it('a copy of it (a plugin spreading the result) is written by JSON.stringify, the same bytes', () => {
    const copy = { ...plannedResult(DATA), extensions: { a: 1 } };
    expect(write(copy)).toBe(`{"data":${DATA},"extensions":{"a":1}}`);
  });

  it('gets extensions from withExtensions without its data being parsed or written again', () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const result = withExtensions(withExtensions(plannedResult(DATA), { deprecations: [1] }), { clientVersion: 2 });
      expect(write(result)).toBe(`{"data":${DATA},"extensions":{"deprecations":[1],"clientVersion":2}}`);
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('withExtensions gives any other result the members a spread copy has, in the same order', () => {
    const result = { errors: [], data: { a: 1 }, extensions: { x: 1 } };
    const copy = withExtensions(result, { y: 2 });
    expect(copy).not.toBe(result);
    expect(JSON.stringify(copy)).toBe(JSON.stringify({ ...result, extensions: { ...result.extensions, y: 2 } }));
    expect(result.extensions).toEqual({ x: 1 });
  });
});
