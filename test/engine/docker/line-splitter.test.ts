import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContextFilter } from '../../../src/lib/docker/build-context.ts';
import { BuildEventReader } from '../../../src/lib/docker/build-events.ts';
import { LineSplitter } from '../../../src/lib/docker/line-splitter.ts';
import { engineClient, expectNoManagedLeftovers } from './support.ts';

const client = engineClient();

describe('stream helpers of the Docker layer', () => {
  beforeEach(() => client.newScope());

  afterEach(async ({ task }) => {
    await expectNoManagedLeftovers(client, task);
  });

  it('splits chunks into lines, holding partial lines and split UTF-8 characters', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from('a\r\nbä\nc', 'utf8');
    splitter.push(bytes.subarray(0, 5)); // cuts "ä" in half
    expect(lines).toEqual(['a']);
    splitter.push(bytes.subarray(5));
    expect(lines).toEqual(['a', 'bä']);
    splitter.flush();
    expect(lines).toEqual(['a', 'bä', 'c']);
  });

  it('reads build events split across chunks and reports the error event', () => {
    const logs: string[] = [];
    const reader = new BuildEventReader((line) => logs.push(line));
    const body = `${JSON.stringify({ stream: 'Step 1/2 : FROM x\n' })}\r\n${JSON.stringify({ stream: ' ---> abc\nhalf' })}\r\n${JSON.stringify({ stream: ' line\n' })}\r\n${JSON.stringify({ errorDetail: { code: 3, message: 'boom' }, error: 'boom' })}\r\n`;
    for (let i = 0; i < body.length; i += 7) reader.push(body.slice(i, i + 7));
    expect(reader.finish()).toEqual({ imageId: undefined, error: 'boom' });
    expect(logs).toEqual(['Step 1/2 : FROM x', ' ---> abc', 'half line']);
  });

  it('filters a context like the docker CLI does', () => {
    const ignored = createContextFilter(['*.md', 'cache', '!cache/keep.txt', 'docker', 'Dockerfile', '.dockerignore'], 'docker/Dockerfile.alt');
    const file = (): boolean => false;
    const dir = (): boolean => true;
    expect(ignored('README.md', file)).toBe(true);
    expect(ignored('src/README.md', file)).toBe(false);
    expect(ignored('cache', dir)).toBe(false);
    expect(ignored('cache/drop.txt', file)).toBe(true);
    expect(ignored('cache/keep.txt', file)).toBe(false);
    expect(ignored('docker', dir)).toBe(false);
    expect(ignored('docker/Dockerfile.alt', file)).toBe(false);
    expect(ignored('docker/other', file)).toBe(true);
    expect(ignored('.dockerignore', file)).toBe(false);
    expect(ignored('Dockerfile', file)).toBe(true);
  });
});
