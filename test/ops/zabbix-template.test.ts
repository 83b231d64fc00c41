import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { OPERATOR_TOKEN, startOpsNode, type OpsNode } from './support/ops-node.ts';

type Obj = Record<string, any>;
const doc = parse(readFileSync(new URL('../../ops/zabbix/renraku-template.yaml', import.meta.url), 'utf8')) as Obj;
const templates = (doc.zabbix_export?.templates ?? []) as Obj[];
const byName = (name: string) => templates.find((t) => t.template === name)!;

/** Every item, item prototype and their triggers, with the template they belong to. */
function everything(t: Obj): { items: Obj[]; triggers: Obj[] } {
  const prototypes = (t.discovery_rules ?? []).flatMap((r: Obj) => r.item_prototypes ?? []);
  const items = [...(t.items ?? []), ...prototypes];
  const triggers = items.flatMap((i: Obj) => [...(i.triggers ?? []), ...(i.trigger_prototypes ?? [])]);
  return { items, triggers };
}

describe('ops/zabbix/renraku-template.yaml', () => {
  test('is YAML in Zabbix 6.0 export format', () => {
    assert.equal(doc.zabbix_export.version, '6.0');
    assert.ok(Array.isArray(doc.zabbix_export.groups) && doc.zabbix_export.groups.length > 0);
    assert.deepEqual(templates.map((t) => t.template), ['Renraku by HTTP', 'Renraku by Zabbix trapper', 'Renraku by Zabbix agent']);
    const groupNames = new Set(doc.zabbix_export.groups.map((g: Obj) => g.name));
    const uuids: string[] = doc.zabbix_export.groups.map((g: Obj) => g.uuid);
    for (const t of templates) {
      assert.equal(typeof t.name, 'string');
      for (const g of t.groups) assert.ok(groupNames.has(g.name), `${t.template}: group ${g.name} is exported`);
      const { items, triggers } = everything(t);
      uuids.push(t.uuid, ...items.map((i) => i.uuid), ...triggers.map((tr) => tr.uuid), ...(t.discovery_rules ?? []).map((r: Obj) => r.uuid));
      for (const item of items) {
        assert.ok(typeof item.name === 'string' && typeof item.key === 'string', JSON.stringify(item));
        assert.ok(['HTTP_AGENT', 'DEPENDENT', 'TRAPPER', 'ZABBIX_PASSIVE'].includes(item.type), `${item.key}: type ${item.type}`);
        if (item.value_type !== undefined) assert.ok(['UNSIGNED', 'FLOAT', 'TEXT', 'CHAR', 'LOG'].includes(item.value_type), item.key);
      }
      for (const trigger of triggers) assert.ok(['INFO', 'WARNING', 'AVERAGE', 'HIGH', 'DISASTER'].includes(trigger.priority), trigger.name);
    }
    for (const uuid of uuids) assert.match(uuid, /^[0-9a-f]{32}$/);
    assert.equal(new Set(uuids).size, uuids.length, 'every uuid is unique');
  });

  test('the HTTP template scrapes /metrics with the operator token; everything else depends on that item', () => {
    const t = byName('Renraku by HTTP');
    const master = t.items.find((i: Obj) => i.type === 'HTTP_AGENT');
    assert.equal(master.url, '{$RENRAKU.URL}/metrics');
    assert.deepEqual(master.headers, [{ name: 'Authorization', value: 'Bearer {$RENRAKU.TOKEN}' }]);
    const { items } = everything(t);
    const dependent = [...items.filter((i) => i.type !== 'HTTP_AGENT'), ...t.discovery_rules];
    for (const item of dependent) {
      assert.equal(item.type, 'DEPENDENT', item.key);
      assert.equal(item.master_item.key, master.key, item.key);
      assert.equal(item.delay, '0', item.key);
    }
    for (const rule of t.discovery_rules) {
      assert.equal(rule.preprocessing[0].type, 'PROMETHEUS_TO_JSON');
      assert.ok(rule.lld_macro_paths.length > 0 && rule.item_prototypes.length > 0, rule.key);
      for (const p of rule.item_prototypes) {
        const macro = rule.lld_macro_paths[0].lld_macro;
        assert.ok(p.key.includes(macro) && p.preprocessing[0].parameters[0].includes(macro), `${p.key} uses ${macro}`);
      }
    }
  });

  test('triggers name items of their template and macros it defines', () => {
    for (const t of templates) {
      const { items, triggers } = everything(t);
      const keys = new Set(items.map((i) => i.key));
      const macros = new Set((t.macros ?? []).map((m: Obj) => m.macro));
      for (const trigger of triggers) {
        const refs = [...trigger.expression.matchAll(/\/([^/]+)\/([^,)]+)/g)];
        assert.ok(refs.length > 0, trigger.expression);
        for (const [, host, key] of refs) {
          assert.equal(host, t.template, trigger.expression);
          assert.ok(keys.has(key!), `${trigger.expression}: no item ${key}`);
        }
        for (const [macro] of `${trigger.expression} ${trigger.name}`.matchAll(/\{\$[A-Z0-9._]+\}/g)) assert.ok(macros.has(macro), `${trigger.name}: macro ${macro} is defined`);
      }
    }
  });

  describe('against a running node', () => {
    let node: OpsNode;
    before(async () => {
      node = await startOpsNode();
    });
    after(() => node.stop());

    test('every series the HTTP template reads is in the node\'s /metrics', async () => {
      const { body } = await node.request('GET', '/metrics', { token: OPERATOR_TOKEN });
      const types = new Set([...(body as string).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
      const { items } = everything(byName('Renraku by HTTP'));
      const steps = [...items, ...byName('Renraku by HTTP').discovery_rules].flatMap((i: Obj) => i.preprocessing ?? []);
      const names = steps.filter((s: Obj) => s.type === 'PROMETHEUS_PATTERN' || s.type === 'PROMETHEUS_TO_JSON').map((s: Obj) => String(s.parameters[0]).split('{')[0]!);
      assert.ok(names.length >= 15);
      for (const name of names) {
        const family = name.replace(/_(bucket|sum|count)$/, '');
        assert.ok(types.has(name) || types.has(family), `${name} is exported`);
      }
      for (const s of steps.filter((x: Obj) => x.type === 'PROMETHEUS_PATTERN')) assert.equal(s.parameters.length, 3, 'pattern, result type, label or function');
    });

    test('the trapper template has exactly the keys a node pushes; the agent template the keys it answers', async () => {
      const pushed = node.app.ops.items;
      const pushKeys = pushed.flatMap((i) => (i.pushParams === undefined ? [] : i.pushParams.length === 0 ? [i.key] : i.pushParams.map((p) => `${i.key}[${p}]`)));
      assert.deepEqual(byName('Renraku by Zabbix trapper').items.map((i: Obj) => i.key).sort(), [...pushKeys].sort());
      assert.deepEqual(byName('Renraku by Zabbix agent').items.map((i: Obj) => i.key).sort(), ['agent.ping', ...pushKeys].sort());
      for (const i of byName('Renraku by Zabbix trapper').items) assert.equal(i.type, 'TRAPPER');
      for (const i of byName('Renraku by Zabbix agent').items) assert.equal(i.type, 'ZABBIX_PASSIVE');
    });
  });
});
