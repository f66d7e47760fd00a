import test from 'node:test';
import assert from 'node:assert/strict';
import {
  escapePath, escapeUnitNamePart, mangleUnitName, parseUnitName, templateOf, unescapePath, unescapeUnitNamePart,
  validateUnitName, withInstance,
} from '../../../src/engine/unit-name.ts';

test('parseUnitName classifies names', () => {
  assert.deepEqual(parseUnitName('foo.service'), { prefix: 'foo', instance: null, type: 'service', kind: 'plain' });
  assert.deepEqual(parseUnitName('foo@.socket'), { prefix: 'foo', instance: '', type: 'socket', kind: 'template' });
  assert.deepEqual(parseUnitName('a-b@x\\x2dy.timer'), { prefix: 'a-b', instance: 'x\\x2dy', type: 'timer', kind: 'instance' });
  for (const bad of ['foo', 'foo.bar', '.service', '@x.service', 'a b.service', 'foo/bar.service', `${'a'.repeat(250)}.service`, '']) {
    assert.equal(parseUnitName(bad), null, bad);
  }
  assert.equal(parseUnitName('a@b@c.service')?.instance, 'b@c');
});

test('validateUnitName uses systemd messages', () => {
  assert.equal(validateUnitName('x.service').ok, true);
  const invalid = validateUnitName('x y.service');
  assert.equal(!invalid.ok && invalid.error.message, 'Unit name x y.service is not valid.');
  const template = validateUnitName('foo@.service');
  assert.equal(!template.ok && template.error.message, 'Unit name foo@.service is missing the instance name.');
});

test('templates and instances', () => {
  assert.equal(templateOf('foo@bar.service'), 'foo@.service');
  assert.equal(templateOf('foo.service'), null);
  assert.equal(withInstance('foo@.service', 'x'), 'foo@x.service');
});

test('escaping and unescaping', () => {
  assert.equal(escapeUnitNamePart('hello-world/x y'), 'hello\\x2dworld-x\\x20y');
  assert.equal(escapeUnitNamePart('.hidden'), '\\x2ehidden');
  assert.equal(unescapeUnitNamePart('hello-world'), 'hello/world');
  assert.equal(unescapeUnitNamePart('baz\\x2dqux'), 'baz-qux');
  assert.equal(escapePath('/dev/sda/'), 'dev-sda');
  assert.equal(escapePath('/'), '-');
  assert.equal(unescapePath('dev-sda'), '/dev/sda');
  assert.equal(unescapePath('-'), '/');
  for (const s of ['a-b c/d', 'ünï', 'x\\y', 'plain']) assert.equal(unescapeUnitNamePart(escapeUnitNamePart(s)), s);
});

test('mangleUnitName appends .service only without a known suffix', () => {
  assert.equal(mangleUnitName('foo'), 'foo.service');
  assert.equal(mangleUnitName('foo.target'), 'foo.target');
  assert.equal(mangleUnitName('foo.bar'), 'foo.bar.service');
  assert.equal(mangleUnitName('app', '.target'), 'app.target');
});
