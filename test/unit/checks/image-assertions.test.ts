import { describe, expect, it } from 'vitest';
import type { CheckObservations, ReadBackFile } from '../../../src/lib/checks/check-observations.ts';
import { evaluateAssertions } from '../../../src/lib/checks/evaluate-assertions.ts';
import { parseCheckSpec } from '../../../src/lib/checks/parse-check-spec.ts';
import type { ImageDetails } from '../../../src/lib/docker/docker-client.ts';

// Image metadata and file metadata expectations, written as an author writes them (YAML in a
// check block), parsed through the check spec schema and judged against fake inspect data.

const IMAGE: ImageDetails = {
  id: 'sha256:web',
  tags: ['web:1'],
  sizeBytes: 1,
  user: '10001:10001',
  env: { PATH: '/usr/local/bin:/usr/bin', PYTHONUNBUFFERED: '1', HOME: '/tmp' },
  cmd: ['--port', '8080', '--verbose'],
  entrypoint: ['python3', '/opt/web/serve.py'],
  labels: { 'org.example.contract': '2', 'org.opencontainers.image.title': 'web' },
  workingDir: '/srv/web',
  exposedPorts: ['8080/tcp', '9090/udp'],
  volumes: ['/data', '/var/log/web'],
  digests: [],
};

const file = (uid: number, gid: number, mode: number): ReadBackFile => ({ content: Buffer.from('x'), uid, gid, mode });

function observations(image: ImageDetails | null = IMAGE): CheckObservations {
  return {
    exitCode: 0,
    timedOut: false,
    timeoutMs: 1000,
    stdout: '',
    stderr: '',
    files: new Map<string, ReadBackFile | null>([
      ['output/report.txt', file(10001, 10001, 0o640)],
      ['output/tool.sh', file(10001, 0, 0o4755)],
      ['output/missing.txt', null],
    ]),
    image,
    container: null,
  };
}

/** Parses one expectation written in YAML and judges it: its label, status, expected and actual. */
function judge(entry: string, image: ImageDetails | null = IMAGE) {
  const parsed = parseCheckSpec(`image: x\nexpect:\n  - ${entry.replace(/\n/g, '\n    ')}\n`, 1);
  if (!parsed.ok) throw new Error(`${entry} was rejected: ${parsed.errors.join('; ')}`);
  const [verdict] = evaluateAssertions(parsed.spec.expect, observations(image));
  return { label: verdict!.label, status: verdict!.status, expected: verdict!.expected, actual: verdict!.actual };
}

/** The problems parseCheckSpec reports for one expectation. */
function problems(entry: string): string[] {
  const parsed = parseCheckSpec(`image: x\nexpect:\n  - ${entry.replace(/\n/g, '\n    ')}\n`, 1);
  if (parsed.ok) throw new Error(`${entry} was accepted`);
  return parsed.errors;
}

describe('image_labels', () => {
  it('contains: passes when each named label has that value, fails naming the wrong and missing ones', () => {
    expect(judge('image_labels: { contains: { org.example.contract: "2" } }')).toEqual({
      label: 'image labels have org.example.contract=2', status: 'passed', expected: 'org.example.contract=2', actual: 'org.example.contract=2',
    });
    expect(judge('image_labels: { contains: { org.example.contract: 3, org.example.owner: platform } }')).toEqual({
      label: 'image labels have org.example.contract=3, org.example.owner=platform',
      status: 'failed',
      expected: 'org.example.contract=3, org.example.owner=platform',
      actual: 'org.example.contract=2, org.example.owner not set',
    });
  });

  it('equals: the whole set of labels, in any order', () => {
    expect(judge('image_labels: { equals: { org.opencontainers.image.title: web, org.example.contract: "2" } }').status).toBe('passed');
    expect(judge('image_labels: { equals: { org.example.contract: "2" } }')).toMatchObject({
      status: 'failed', expected: 'org.example.contract=2', actual: 'org.example.contract=2, org.opencontainers.image.title=web',
    });
  });

  it('matches: each named label is set and its value matches', () => {
    expect(judge('image_labels: { matches: { org.example.contract: "^\\\\d+$" } }')).toMatchObject({ status: 'passed', expected: 'org.example.contract matching /^\\d+$/' });
    expect(judge('image_labels: { matches: { org.example.contract: "^v" } }')).toMatchObject({ status: 'failed', actual: 'org.example.contract=2' });
  });
});

describe('image_env', () => {
  it('contains: passes on the set values, fails on a different value, reading unquoted numbers as text', () => {
    expect(judge('image_env: { contains: { PYTHONUNBUFFERED: 1, HOME: /tmp } }')).toMatchObject({ status: 'passed', label: 'image ENV has PYTHONUNBUFFERED=1, HOME=/tmp' });
    expect(judge('image_env: { contains: { HOME: /root } }')).toMatchObject({ status: 'failed', expected: 'HOME=/root', actual: 'HOME=/tmp' });
  });

  it('matches: fails when the variable is not set at all', () => {
    expect(judge('image_env: { matches: { PATH: /usr/local/bin } }').status).toBe('passed');
    expect(judge('image_env: { matches: { LANG: UTF-8 } }')).toMatchObject({ status: 'failed', expected: 'LANG matching /UTF-8/', actual: 'LANG not set' });
  });
});

describe('image_user', () => {
  it('equals, as a bare value or a matcher', () => {
    expect(judge('image_user: "10001:10001"')).toEqual({ label: 'image USER is "10001:10001"', status: 'passed', expected: '"10001:10001"', actual: '"10001:10001"' });
    expect(judge('image_user: { equals: 10001 }')).toMatchObject({ status: 'failed', expected: '"10001"', actual: '"10001:10001"' });
  });

  it('matches and contains; an image without a USER shows as not set', () => {
    expect(judge('image_user: { matches: "^10001(:|$)" }').status).toBe('passed');
    expect(judge('image_user: { contains: "10001" }', { ...IMAGE, user: '' })).toEqual({
      label: 'image USER contains "10001"', status: 'failed', expected: 'contains "10001"', actual: '(not set)',
    });
  });
});

describe('image_workdir', () => {
  it('equals and matches', () => {
    expect(judge('image_workdir: /srv/web')).toMatchObject({ status: 'passed', label: 'image WORKDIR is "/srv/web"' });
    expect(judge('image_workdir: { equals: /work }')).toMatchObject({ status: 'failed', expected: '"/work"', actual: '"/srv/web"' });
    expect(judge('image_workdir: { matches: "^/srv/" }').status).toBe('passed');
    expect(judge('image_workdir: { matches: "^/work$" }')).toMatchObject({ status: 'failed', expected: 'matches /^/work$/' });
  });
});

describe('image_entrypoint and image_cmd', () => {
  it('equals is exact, order and all', () => {
    expect(judge('image_entrypoint: [python3, /opt/web/serve.py]')).toMatchObject({ status: 'passed', label: 'image ENTRYPOINT is ["python3","/opt/web/serve.py"]' });
    expect(judge('image_entrypoint: { equals: [/opt/web/serve.py, python3] }')).toMatchObject({
      status: 'failed', expected: '["/opt/web/serve.py","python3"]', actual: '["python3","/opt/web/serve.py"]',
    });
  });

  it('contains takes one item or a list; matches passes when some item matches', () => {
    expect(judge('image_cmd: { contains: --verbose }')).toMatchObject({ status: 'passed', label: 'image CMD includes ["--verbose"]', expected: 'includes ["--verbose"]' });
    expect(judge('image_cmd: { contains: [--port, --quiet] }')).toMatchObject({ status: 'failed', actual: '["--port","8080","--verbose"], without "--quiet"' });
    expect(judge('image_cmd: { matches: "^\\\\d+$" }')).toMatchObject({ status: 'passed', label: 'image CMD includes an item matching /^\\d+$/' });
    expect(judge('image_entrypoint: { matches: "node" }')).toMatchObject({ status: 'failed', expected: 'an item matching /node/' });
  });
});

describe('image_exposed_ports and image_volumes', () => {
  it('ports are written as numbers or with a protocol, TCP when none is given', () => {
    expect(judge('image_exposed_ports: { contains: 8080 }')).toMatchObject({ status: 'passed', expected: 'includes ["8080/tcp"]' });
    expect(judge('image_exposed_ports: { contains: ["9090/UDP"] }').status).toBe('passed');
    expect(judge('image_exposed_ports: { contains: 9090 }')).toMatchObject({ status: 'failed', actual: '["8080/tcp","9090/udp"], without "9090/tcp"' });
  });

  it('equals on ports and volumes ignores order, as the image config holds them as sets', () => {
    expect(judge('image_exposed_ports: ["9090/udp", 8080]')).toMatchObject({ status: 'passed', label: 'image exposed ports are ["9090/udp","8080/tcp"]' });
    expect(judge('image_exposed_ports: [8080]').status).toBe('failed');
    expect(judge('image_volumes: [/var/log/web, /data]').status).toBe('passed');
    expect(judge('image_volumes: { equals: [] }')).toMatchObject({ status: 'failed', expected: '[]', actual: '["/data","/var/log/web"]' });
    expect(judge('image_volumes: { equals: [] }', { ...IMAGE, volumes: [] }).status).toBe('passed');
  });

  it('volumes: contains and matches', () => {
    expect(judge('image_volumes: { contains: /data }')).toMatchObject({ status: 'passed', label: 'image volumes include ["/data"]' });
    expect(judge('image_volumes: { contains: /work }').status).toBe('failed');
    expect(judge('image_volumes: { matches: "^/var/log/" }').status).toBe('passed');
    expect(judge('image_volumes: { matches: "^/work" }').status).toBe('failed');
  });
});

describe('image assertions without an image', () => {
  it('are skipped when the image could not be inspected', () => {
    for (const entry of ['image_labels: { contains: { a: b } }', 'image_user: x', 'image_volumes: { contains: /data }', 'image_env: { matches: { A: . } }']) {
      expect(judge(entry, null)).toMatchObject({ status: 'skipped', expected: '—', actual: 'the image could not be inspected' });
    }
  });
});

describe('image assertions that do not validate', () => {
  it('need exactly one matcher, and say what one looks like', () => {
    expect(problems('image_labels: { org.example.contract: "2" }')).toEqual([
      'line 3, expect.0.image_labels.org.example.contract: Unrecognized key: "org.example.contract"',
      'line 3, expect.0.image_labels: give exactly one of equals, contains or matches (none was given), e.g. image_labels: { contains: { org.example.version: "2" } }',
    ]);
    expect(problems('image_user: { equals: "1", matches: "1" }')).toEqual([
      'line 3, expect.0.image_user: give exactly one of equals, contains or matches (got equals and matches), e.g. image_user: { equals: "10001" }',
    ]);
  });

  it('reject a bad regular expression, a bad port and a relative volume, at their field', () => {
    expect(problems('image_workdir: { matches: "(" }')[0]).toMatch(/^line 3, expect\.0\.image_workdir\.matches: not a valid regular expression: /);
    expect(problems('image_exposed_ports: { contains: http }')).toEqual([
      'line 3, expect.0.image_exposed_ports.contains.0: write a port like 8080 or 8080/udp',
    ]);
    expect(problems('image_volumes: { contains: [data] }')).toEqual(['line 3, expect.0.image_volumes.contains.0: a volume is an absolute path, like /data']);
    expect(problems('image_env: { contains: {} }')).toEqual(['line 3, expect.0.image_env.contains: name at least one key']);
  });

  it('count as one kind each: an image kind and another kind in one entry is refused', () => {
    expect(problems('image_user: x\nexit_code: 0')).toEqual(['line 3, expect.0: give only one of exit_code, image_user per entry']);
  });
});

describe('file mode', () => {
  it('passes on the exact permission bits and fails on others, showing both forms', () => {
    expect(judge('file: output/report.txt\nmode: "0640"')).toEqual({
      label: 'output/report.txt has mode 0640', status: 'passed', expected: '0640 (rw-r-----)', actual: '0640 (rw-r-----)',
    });
    expect(judge('file: output/report.txt\nmode: "644"')).toMatchObject({ label: 'output/report.txt has mode 0644', status: 'failed', expected: '0644 (rw-r--r--)', actual: '0640 (rw-r-----)' });
    expect(judge('file: output/tool.sh\nmode: "4755"')).toMatchObject({ status: 'passed', actual: '4755 (rwsr-xr-x)' });
  });

  it('is skipped for a file that was not written', () => {
    expect(judge('file: output/missing.txt\nmode: "0644"')).toMatchObject({ status: 'skipped', actual: 'output/missing.txt was not written' });
  });

  it('must be a quoted octal string, since YAML reads 0644 unquoted as the number 644', () => {
    expect(problems('file: output/report.txt\nmode: 0644')).toEqual([
      'line 4, expect.0.mode: write the mode as a quoted octal string, like mode: "0644" (unquoted, YAML reads 0644 as the number 644)',
    ]);
    expect(problems('file: output/report.txt\nmode: "0999"')).toEqual(['line 4, expect.0.mode: an octal mode of three or four digits, like "0644" or "4755"']);
  });
});

describe('file owner', () => {
  it('a bare uid judges the uid only', () => {
    expect(judge('file: output/tool.sh\nowner: 10001')).toEqual({ label: 'output/tool.sh is owned by 10001', status: 'passed', expected: 'uid 10001', actual: 'uid 10001 (gid 0)' });
    expect(judge('file: output/tool.sh\nowner: 0')).toMatchObject({ status: 'failed', expected: 'uid 0', actual: 'uid 10001 (gid 0)' });
  });

  it('uid:gid judges both', () => {
    expect(judge('file: output/report.txt\nowner: "10001:10001"')).toMatchObject({ status: 'passed', expected: '10001:10001', actual: '10001:10001' });
    expect(judge('file: output/tool.sh\nowner: "10001:10001"')).toMatchObject({ status: 'failed', expected: '10001:10001', actual: '10001:0' });
  });

  it('is numeric only', () => {
    expect(problems('file: output/report.txt\nowner: runner')).toEqual(['line 4, expect.0.owner: a numeric uid or uid:gid, like 10001 or "10001:10001"']);
  });
});
