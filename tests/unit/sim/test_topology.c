/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topology loading: the built-in default and its YAML twin, a hand-written
 * good file, and every class of error with its message and position, plus
 * "nothing half-built": a failed load leaves the output untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/sim_topology.h"
#include "testsupport.h"

static ot_sim_topology *topo;

static int setup(void **state) {
  (void)state;
  topo = calloc(1, sizeof *topo);
  return topo == NULL;
}

static int teardown(void **state) {
  (void)state;
  free(topo);
  return 0;
}

/* A small valid topology; tests splice one broken line into it. */
static const char *const good_head = "version: 1\n"
                                     "name: small\n"
                                     "nodes:\n"
                                     "  - {name: rc, type: root_complex}\n"
                                     "  - name: rp\n"
                                     "    type: root_port\n"
                                     "    parent: rc\n"
                                     "    devfn: \"02.0\"\n"
                                     "    vendor: 0x8086\n"
                                     "    device: 0x1234\n";

static const char *const good_ep = "  - name: ep\n"
                                   "    type: endpoint\n"
                                   "    parent: rp\n"
                                   "    vendor: 0x1af4\n"
                                   "    device: 0x1000\n"
                                   "    functions:\n"
                                   "      - devfn: \"00.0\"\n"
                                   "        class: 0x020000\n"
                                   "        bars: [{index: 0, type: mem32, size: 4K}]\n"
                                   "        doe: {protocols: [spdm]}\n";

static ot_status parse(const char *text, ot_sim_topo_error *err) {
  return ot_sim_topology_parse(text, strlen(text), NULL, topo, err);
}

static void default_topology_has_the_documented_shape(void **state) {
  (void)state;
  assert_ot_ok(ot_sim_topology_default(topo));
  assert_string_equal(topo->name, "default");
  assert_int_equal(topo->node_count, 7);
  /* Parents first: the root complex, then the root port. */
  assert_int_equal(topo->nodes[0].kind, OT_SIM_ROOT_COMPLEX);
  assert_int_equal(topo->nodes[1].kind, OT_SIM_ROOT_PORT);
  int gpu = ot_sim_topology_find(topo, "gpu0");
  int nvme = ot_sim_topology_find(topo, "nvme0");
  assert_true(gpu > 0 && nvme > 0);
  const ot_sim_node_desc *g = &topo->nodes[gpu];
  assert_int_equal(g->kind, OT_SIM_ENDPOINT);
  assert_int_equal(g->function_count, 2);
  assert_int_equal(g->tdi_count, 2);
  assert_int_equal(g->functions[1].devfn, OT_SIM_DEVFN(0, 1));
  assert_int_equal(g->functions[1].device_id, 0x0b01); /* inherited from the node */
  assert_int_equal(g->functions[0].bars[1].size, 256u << 20);
  assert_true(g->functions[0].bars[1].prefetchable);
  assert_int_equal(g->functions[0].doe.protocol_count, 2);
  assert_int_equal(g->functions[0].doe.protocols[1].type, OT_DOE_TYPE_SECURED_SPDM);
  assert_int_equal(g->identity.chain, OT_SIM_SOURCE_GENERATE);
  assert_int_equal(g->measurements[2].value_len, 4);
  assert_true(g->ide.present && g->ide.ide_km);
  assert_string_equal(topo->nodes[g->parent].name, "sw0-dp0");
  assert_int_equal(topo->nodes[nvme].functions[0].class_code, 0x010802);
  assert_int_equal(topo->scenario_count, 2);
  assert_int_equal(topo->taps[1].action, OT_SIM_TAP_DROP);
  assert_int_equal(topo->taps[1].link, nvme);
  assert_int_equal(topo->taps[1].match.nth, 1);
}

static void example_file_is_the_builtin_default(void **state) {
  (void)state;
  size_t len;
  char path[512];
  snprintf(path, sizeof path, "%s/examples/topologies/default.yaml", OT_SOURCE_DIR);
  uint8_t *file = ts_read_file(path, &len);
  assert_non_null(file);
  const char *builtin = ot_sim_topology_default_yaml();
  assert_int_equal(len, strlen(builtin));
  assert_memory_equal(file, builtin, len);
  free(file);
  ot_sim_topo_error err;
  assert_ot_ok(ot_sim_topology_load(path, topo, &err));
  assert_int_equal(topo->node_count, 7);
}

static void small_file_parses(void **state) {
  (void)state;
  char text[2048];
  snprintf(text, sizeof text, "%s%s", good_head, good_ep);
  ot_sim_topo_error err;
  assert_ot_ok(parse(text, &err));
  assert_int_equal(topo->node_count, 3);
  const ot_sim_node_desc *ep = &topo->nodes[2];
  assert_string_equal(ep->name, "ep");
  assert_int_equal(ep->functions[0].bars[0].size, 4096);
  assert_int_equal(ep->link.speed, 4); /* defaults */
  assert_int_equal(topo->nodes[1].functions[0].devfn, OT_SIM_DEVFN(2, 0));
  assert_int_equal(topo->nodes[1].functions[0].class_code, 0x060400);
}

/* Children listed before their parents come out parents first. */
static void nodes_are_ordered_parents_first(void **state) {
  (void)state;
  char text[2048];
  snprintf(text, sizeof text,
           "version: 1\nname: x\nnodes:\n%s"
           "  - {name: rp, type: root_port, parent: rc, devfn: \"01.0\", vendor: 1, device: 2}\n"
           "  - {name: rc, type: root_complex}\n",
           good_ep);
  assert_ot_ok(parse(text, NULL));
  assert_string_equal(topo->nodes[0].name, "rc");
  assert_string_equal(topo->nodes[1].name, "rp");
  assert_string_equal(topo->nodes[2].name, "ep");
  assert_int_equal(topo->nodes[2].parent, 1);
}

typedef struct bad_case {
  const char *what;
  const char *text; /* appended to good_head (or whole when it starts with "version") */
  ot_code code;
  uint32_t line; /* 0: not checked */
  const char *message_part;
} bad_case;

static const bad_case bad_cases[] = {
    {"YAML syntax", "  - {name: x, type: [\n", OT_E_MALFORMED, 0, "YAML syntax"},
    {"unknown key", "  - {name: x, type: root_port, colour: red}\n", OT_E_MALFORMED, 11,
     "unknown key 'colour'"},
    {"wrong type: string for a number",
     "  - {name: x, type: endpoint, parent: rp, vendor: \"0x10\", device: 1, functions: []}\n",
     OT_E_MALFORMED, 11, "expected an integer"},
    {"wrong type: sequence for a scalar", "  - {name: [x], type: endpoint}\n", OT_E_MALFORMED, 11,
     "expected a name"},
    {"wrong type: number out of range",
     "  - {name: x, type: root_port, parent: rc, devfn: \"03.0\", vendor: 0x10000, device: 1}\n",
     OT_E_MALFORMED, 11, "out of range"},
    {"duplicate key", "  - {name: x, name: y, type: root_port}\n", OT_E_EXISTS, 11,
     "duplicate key 'name'"},
    {"duplicate node name",
     "  - {name: rp, type: root_port, parent: rc, devfn: \"03.0\", vendor: 1, device: 2}\n",
     OT_E_EXISTS, 11, "duplicate node name 'rp'"},
    {"bad BDF: device too large",
     "  - {name: x, type: root_port, parent: rc, devfn: \"20.0\", vendor: 1, device: 2}\n",
     OT_E_MALFORMED, 11, "device must be 00..1f"},
    {"bad BDF: function too large",
     "  - {name: x, type: root_port, parent: rc, devfn: \"03.8\", vendor: 1, device: 2}\n",
     OT_E_MALFORMED, 11, "function must be 0..7"},
    {"bad BDF: shape",
     "  - {name: x, type: root_port, parent: rc, devfn: \"3:0\", vendor: 1, device: 2}\n",
     OT_E_MALFORMED, 11, "expected DD.F"},
    {"bad BDF: a port at function 4 (never found by a host)",
     "  - {name: x, type: root_port, parent: rc, devfn: \"03.4\", vendor: 1, device: 2}\n",
     OT_E_MALFORMED, 11, "a port is function 0"},
    {"bad BDF: taken",
     "  - {name: x, type: root_port, parent: rc, devfn: \"02.0\", vendor: 1, device: 2}\n",
     OT_E_EXISTS, 11, "already 'rp'"},
    {"bad BDF: device 1 across a link",
     "  - {name: x, type: endpoint, parent: rp, vendor: 1, device: 2,\n"
     "     functions: [{devfn: \"01.0\", class: 1}]}\n",
     OT_E_MALFORMED, 12, "device number must be 00"},
    {"cycle",
     "  - {name: a, type: switch_upstream, parent: b, devfn: \"00.0\", vendor: 1, device: 2}\n"
     "  - {name: b, type: switch_downstream, parent: a, devfn: \"00.0\", vendor: 1, device: 2}\n",
     OT_E_MALFORMED, 11, "cycle: a -> b -> a"},
    {"self parent",
     "  - {name: a, type: switch_upstream, parent: a, devfn: \"00.0\", vendor: 1, device: 2}\n",
     OT_E_MALFORMED, 11, "cycle"},
    {"unknown parent",
     "  - {name: a, type: switch_upstream, parent: nowhere, devfn: \"00.0\", vendor: 1, "
     "device: 2}\n",
     OT_E_NOT_FOUND, 11, "parent 'nowhere' does not exist"},
    {"impossible parent kind",
     "  - {name: a, type: switch_downstream, parent: rp, devfn: \"00.0\", vendor: 1, device: 2}\n",
     OT_E_MALFORMED, 11, "a switch_downstream cannot be below a root_port"},
    {"key not allowed for kind",
     "  - {name: a, type: root_port, parent: rc, devfn: \"05.0\", vendor: 1, device: 2,\n"
     "     functions: [{devfn: \"05.0\", class: 1}]}\n",
     OT_E_MALFORMED, 12, "key 'functions' is not allowed for a root_port"},
    {"missing key", "  - {name: a, type: endpoint, parent: rp, vendor: 1, device: 2}\n",
     OT_E_MALFORMED, 11, "needs key 'functions'"},
    {"second root complex", "  - {name: rc2, type: root_complex}\n", OT_E_EXISTS, 11,
     "a second root_complex"},
    {"BAR size not a power of two",
     "  - {name: e, type: endpoint, parent: rp, vendor: 1, device: 2,\n"
     "     functions: [{devfn: \"00.0\", class: 1, bars: [{index: 0, type: mem32, size: 3K}]}]}\n",
     OT_E_MALFORMED, 12, "power of two"},
    {"overlapping BARs",
     "  - {name: e, type: endpoint, parent: rp, vendor: 1, device: 2,\n"
     "     functions: [{devfn: \"00.0\", class: 1, bars: [{index: 0, type: mem64, size: 4K},\n"
     "                                                    {index: 1, type: mem32, size: 4K}]}]}\n",
     OT_E_EXISTS, 13, "overlaps"},
    {"Discovery listed",
     "  - {name: e, type: endpoint, parent: rp, vendor: 1, device: 2,\n"
     "     functions: [{devfn: \"00.0\", class: 1, doe: {protocols: [discovery]}}]}\n",
     OT_E_MALFORMED, 12, "Discovery is always served"},
    {"no function 0",
     "  - {name: e, type: endpoint, parent: rp, vendor: 1, device: 2,\n"
     "     functions: [{devfn: \"00.1\", class: 1}]}\n",
     OT_E_MALFORMED, 11, "needs function 0"},
    {"TDI to a missing BAR",
     "  - {name: e, type: endpoint, parent: rp, vendor: 1, device: 2,\n"
     "     functions: [{devfn: \"00.0\", class: 1}],\n"
     "     tdis: [{function: \"00.0\", bars: [1]}]}\n",
     OT_E_NOT_FOUND, 13, "names BAR 1"},
    {"measurement index 0",
     "  - {name: e, type: endpoint, parent: rp, vendor: 1, device: 2,\n"
     "     functions: [{devfn: \"00.0\", class: 1}],\n"
     "     measurements: [{index: 0, type: manifest, value: \"00\"}]}\n",
     OT_E_MALFORMED, 13, "index is 1..254"},
    {"bad enum", "  - {name: e, type: bridge}\n", OT_E_MALFORMED, 11, "unknown node type 'bridge'"},
    {"unsupported version", "version: 2\nname: x\nnodes: []\n", OT_E_VERSION, 1,
     "unsupported topology version"},
    {"no root complex", "version: 1\nname: x\nnodes: []\n", OT_E_MALFORMED, 0, "no root_complex"},
    {"empty document", "version", OT_E_MALFORMED, 1, "expected a mapping"},
};

static void tap_errors_text(char *text, size_t cap, const char *taps) {
  snprintf(text, cap, "%s%sscenarios:\n  - name: s\n    taps:\n%s", good_head, good_ep, taps);
}

static const bad_case bad_taps[] = {
    {"tap on a link that does not exist", "      - {name: t, link: nope, action: drop}\n",
     OT_E_NOT_FOUND, 0, "names no node"},
    {"tap on a root port (no uplink)", "      - {name: t, link: rp, action: drop}\n",
     OT_E_MALFORMED, 0, "has no link to its parent"},
    {"modify without flips", "      - {name: t, link: ep, action: modify}\n", OT_E_MALFORMED, 0,
     "needs key 'flips'"},
    {"parameter of another action", "      - {name: t, link: ep, action: drop, bytes: \"00\"}\n",
     OT_E_MALFORMED, 0, "does not apply to action drop"},
    {"nth 0", "      - {name: t, link: ep, action: drop, match: {nth: 0}}\n", OT_E_MALFORMED, 0,
     "nth counts from 1"},
    {"duplicate tap",
     "      - {name: t, link: ep, action: drop}\n"
     "      - {name: t, link: ep, action: observe}\n",
     OT_E_EXISTS, 0, "duplicate tap name"},
};

static void check_bad(const bad_case *c, const char *text) {
  /* A failed load must leave the output exactly as it was. */
  memset(topo, 0xA5, sizeof *topo);
  ot_sim_topo_error err;
  ot_status st = parse(text, &err);
  if (st.code != c->code)
    fail_msg("%s: got %s (%s), want %s", c->what, ot_status_name(st), err.message,
             ot_status_name(ot_status_of(c->code)));
  if (strstr(err.message, c->message_part) == NULL)
    fail_msg("%s: message \"%s\" lacks \"%s\"", c->what, err.message, c->message_part);
  if (c->line != 0 && err.mark.line != c->line)
    fail_msg("%s: line %u, want %u (%s)", c->what, err.mark.line, c->line, err.message);
  if (c->line != 0) assert_true(err.mark.column > 0);
  for (size_t i = 0; i < sizeof *topo; i++) {
    if (((const uint8_t *)topo)[i] != 0xA5) fail_msg("%s: output touched at byte %zu", c->what, i);
  }
}

static void every_error_class_is_reported_with_position(void **state) {
  (void)state;
  char text[4096];
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    const bad_case *c = &bad_cases[i];
    if (strncmp(c->text, "version", 7) == 0) {
      snprintf(text, sizeof text, "%s", c->text);
    } else {
      snprintf(text, sizeof text, "%s%s", good_head, c->text);
    }
    check_bad(c, text);
  }
}

static void tap_errors_are_reported(void **state) {
  (void)state;
  char text[4096];
  for (size_t i = 0; i < sizeof bad_taps / sizeof bad_taps[0]; i++) {
    tap_errors_text(text, sizeof text, bad_taps[i].text);
    check_bad(&bad_taps[i], text);
  }
}

static void taps_parse_with_parameters(void **state) {
  (void)state;
  char text[4096];
  tap_errors_text(text, sizeof text,
                  "      - {name: f, link: ep, action: modify, match: {direction: up, nth: 3},\n"
                  "         flips: [{offset: 12, mask: 0x80}]}\n"
                  "      - {name: i, link: ep, action: inject, bytes: \"4a000001\"}\n"
                  "      - {name: r, link: ep, action: replay, delay_ns: 5000}\n");
  assert_ot_ok(parse(text, NULL));
  assert_int_equal(topo->tap_count, 3);
  assert_int_equal(topo->taps[0].match.dir, OT_SIM_UPSTREAM);
  assert_false(topo->taps[0].match.any_dir);
  assert_int_equal(topo->taps[0].flips[0].offset, 12);
  assert_int_equal(topo->taps[1].inject_len, 4);
  assert_int_equal(topo->taps[2].delay_ns, 5000);
  assert_int_equal(ot_sim_topology_find_scenario(topo, "s"), 0);
  assert_int_equal(ot_sim_topology_find_scenario(topo, "t"), -1);
}

static void identity_files_must_be_readable(void **state) {
  (void)state;
  char text[4096];
  snprintf(text, sizeof text,
           "%s  - {name: e, type: endpoint, parent: rp, vendor: 1, device: 2,\n"
           "     functions: [{devfn: \"00.0\", class: 1}],\n"
           "     identity: {cert_chain: missing-chain.der, key: missing-key.pem}}\n",
           good_head);
  ot_sim_topo_error err;
  assert_ot_code(ot_sim_topology_parse(text, strlen(text), "/nonexistent-dir", topo, &err),
                 OT_E_IO);
  assert_non_null(strstr(err.message, "/nonexistent-dir/missing-chain.der"));
  assert_int_equal(err.mark.line, 13);
}

static void missing_file_is_an_io_error(void **state) {
  (void)state;
  ot_sim_topo_error err;
  assert_ot_code(ot_sim_topology_load("/nonexistent/topology.yaml", topo, &err), OT_E_IO);
  assert_non_null(strstr(err.message, "/nonexistent/topology.yaml"));
}

static void second_document_is_refused(void **state) {
  (void)state;
  char text[2048];
  snprintf(text, sizeof text, "%s%s---\nname: again\n", good_head, good_ep);
  ot_sim_topo_error err;
  assert_ot_code(parse(text, &err), OT_E_MALFORMED);
  assert_non_null(strstr(err.message, "one YAML document"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(default_topology_has_the_documented_shape),
      cmocka_unit_test(example_file_is_the_builtin_default),
      cmocka_unit_test(small_file_parses),
      cmocka_unit_test(nodes_are_ordered_parents_first),
      cmocka_unit_test(every_error_class_is_reported_with_position),
      cmocka_unit_test(tap_errors_are_reported),
      cmocka_unit_test(taps_parse_with_parameters),
      cmocka_unit_test(identity_files_must_be_readable),
      cmocka_unit_test(missing_file_is_an_io_error),
      cmocka_unit_test(second_document_is_refused),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
