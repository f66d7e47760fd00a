import test from 'node:test';
import assert from 'node:assert/strict';
import { expandSpecifiers } from '../../../../src/engine/unit-file/specifiers.ts';
import { HOST } from './host.ts';

const ctx = (id: string) => ({ id, fragmentPath: '/etc/systemd/system/x@.service', host: HOST });
const expand = (id: string, text: string): string => {
  const r = expandSpecifiers(text, ctx(id));
  assert.ok(r.ok, text);
  return r.value;
};

test('scenario svc-specifiers-template', () => {
  const f = 'n=%n N=%N p=%p i=%i I=%I j=%j f=%f';
  assert.equal(expand('show@hello-world.service', f), 'n=show@hello-world.service N=show@hello-world p=show i=hello-world I=hello/world j=show f=/hello/world');
  assert.equal(expand('show@one.service', f), 'n=show@one.service N=show@one p=show i=one I=one j=show f=/one');
});

test('the 04 §6 example unit', () => {
  const id = 'foo-bar@baz\\x2dqux.service';
  const rows: [string, string][] = [
    ['%n', id], ['%N', 'foo-bar@baz\\x2dqux'], ['%p', 'foo-bar'], ['%P', 'foo/bar'], ['%i', 'baz\\x2dqux'], ['%I', 'baz-qux'],
    ['%j', 'bar'], ['%J', 'bar'], ['%f', '/baz-qux'], ['%y', '/etc/systemd/system/x@.service'], ['%Y', '/etc/systemd/system'],
    ['%t', '/run'], ['%S', '/var/lib'], ['%C', '/var/cache'], ['%L', '/var/log'], ['%E', '/etc'], ['%T', '/tmp'], ['%V', '/var/tmp'],
    ['%h', '/root'], ['%s', '/bin/bash'], ['%u', 'root'], ['%U', '0'], ['%g', 'root'], ['%G', '0'], ['%H', 'box.example.com'],
    ['%l', 'box'], ['%m', 'a'.repeat(32)], ['%b', 'b'.repeat(32)], ['%v', '6.1.0-13-amd64'], ['%a', 'x86-64'], ['%%', '%'],
    ['100%', '100%'], ['%-x', '%-x'], ['a%nb', `a${id}b`],
  ];
  for (const [text, want] of rows) assert.equal(expand(id, text), want, text);
  assert.equal(expand('dev-sda.service', '%f'), '/dev/sda');
});

test('unknown letters fail; the name-safe subset refuses path specifiers', () => {
  assert.deepEqual(expandSpecifiers('%z', ctx('a.service')), { ok: false, letter: 'z' });
  assert.equal(expandSpecifiers('%n', ctx('a.service'), { names: true }).ok, true);
  assert.equal(expandSpecifiers('%h', ctx('a.service'), { names: true }).ok, false);
});
