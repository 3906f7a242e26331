/* test-ice-udp-codec.c — XEP-0176 <transport/> with XEP-0320
 * <fingerprint/> (plugins/ice-udp/ice-udp-codec.c): the XEP examples (the
 * fuzz seeds), the browser-style offer and trickle messages, round trips,
 * leniency where browsers need it, and malformed candidates, which must be
 * JA_XMPP_ERROR_BAD_REQUEST with a text naming the fault. */

#include <string.h>

#include <glib.h>

#include "plugins/ice-udp/ice-udp-codec.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

static JaXmlNode *
load_seed (const char *name)
{
  g_autofree char *path = g_build_filename (JA_CORPUS_DIR, "ice-udp-transport",
      name, NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;
  JaXmlNode *node;

  g_assert_true (g_file_get_contents (path, &text, &len, &error));
  node = ja_xml_node_parse (text, len, &error);
  g_assert_no_error (error);
  return node;
}

static void
collect (const JaXmlNode *node, GPtrArray *out)
{
  if (ja_xml_node_is (node, "transport", JA_NS_JINGLE_ICE_UDP))
    g_ptr_array_add (out, (gpointer) node);
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++)
    collect (ja_xml_node_get_child (node, i), out);
}

static JaIceUdpTransport *
parse_first (const JaXmlNode *root)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  JaIceUdpTransport *t;

  collect (root, found);
  g_assert_cmpuint (found->len, >=, 1);
  t = ja_ice_udp_transport_parse (g_ptr_array_index (found, 0), &error);
  g_assert_no_error (error);
  return t;
}

static void
assert_round_trip (const JaIceUdpTransport *t)
{
  g_autoptr (JaXmlNode) built = ja_ice_udp_transport_build (t);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaIceUdpTransport) again = ja_ice_udp_transport_parse (built,
      &error);
  g_autoptr (JaXmlNode) rebuilt = NULL;
  g_autofree char *a = NULL, *b = NULL;

  g_assert_no_error (error);
  rebuilt = ja_ice_udp_transport_build (again);
  a = ja_xml_node_to_string (built, NULL);
  b = ja_xml_node_to_string (rebuilt, NULL);
  g_assert_cmpstr (a, ==, b);
}

static void
test_xep_examples (void)
{
  g_autofree char *path = g_build_filename (JA_CORPUS_DIR, "ice-udp-transport",
      NULL);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL) {
    g_autoptr (JaXmlNode) root = NULL;
    g_autoptr (GPtrArray) found = g_ptr_array_new ();

    if (!g_str_has_prefix (name, "xep-"))
      continue;
    root = load_seed (name);
    collect (root, found);
    for (guint i = 0; i < found->len; i++) {
      g_autoptr (GError) error = NULL;
      g_autoptr (JaIceUdpTransport) t = ja_ice_udp_transport_parse (
          g_ptr_array_index (found, i), &error);

      /* XEP-0176 Example 5 ("Initiator sends a subsequent candidate")
       * has priority='21149780477', above 2^32-1: a typo in the spec
       * that the range check must refuse. */
      if (strcmp (name, "xep-0176-ex05") == 0) {
        g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
        g_assert_nonnull (strstr (error->message, "priority '21149780477'"));
        continue;
      }
      if (error != NULL)
        g_test_message ("%s: %s", name, error->message);
      g_assert_no_error (error);
      assert_round_trip (t);
      n++;
    }
  }
  g_assert_cmpuint (n, >=, 8);
}

/* XEP-0176 Example 1, field by field. */
static void
test_xep_0176_example_1 (void)
{
  g_autoptr (JaXmlNode) root = load_seed ("xep-0176-ex01");
  g_autoptr (JaIceUdpTransport) t = parse_first (root);
  const JaIceCandidate *c;

  g_assert_cmpstr (t->ufrag, ==, "8hhy");
  g_assert_cmpstr (t->pwd, ==, "asd88fgpdd777uzjYhagZg");
  g_assert_cmpuint (t->candidates->len, ==, 2);
  g_assert_cmpuint (t->skipped_candidates, ==, 0);
  c = g_ptr_array_index (t->candidates, 0);
  g_assert_cmpstr (c->id, ==, "el0747fg11");
  g_assert_cmpstr (c->ip, ==, "10.0.1.1");
  g_assert_cmpuint (c->port, ==, 8998);
  g_assert_cmpuint (c->priority, ==, 2130706431u);
  g_assert_cmpuint (c->network, ==, 1);
  g_assert_cmpint (c->type, ==, JA_ICE_CANDIDATE_HOST);
  c = g_ptr_array_index (t->candidates, 1);
  g_assert_cmpint (c->type, ==, JA_ICE_CANDIDATE_SRFLX);
  g_assert_cmpstr (c->rel_addr, ==, "10.0.1.1");
  g_assert_cmpuint (c->rel_port, ==, 8998);
  g_assert_null (t->fingerprint);
  g_assert_false (t->end_of_candidates);
}

/* XEP-0320's examples carry a fingerprint with setup. */
static void
test_xep_0320 (void)
{
  g_autoptr (JaXmlNode) root = load_seed ("xep-0320-ex01");
  g_autoptr (JaIceUdpTransport) t = parse_first (root);

  g_assert_cmpstr (t->fingerprint_hash, ==, "sha-256");
  g_assert_nonnull (t->fingerprint);
  g_assert_nonnull (strchr (t->fingerprint, ':'));
  g_assert_cmpint (t->setup, !=, JA_DTLS_SETUP_NONE);
}

/* The browser offer: fingerprint + setup, a TCP candidate on port 9
 * skipped and counted, candidates without id/generation/network. */
static void
test_browser (void)
{
  g_autoptr (JaXmlNode) root = load_seed ("browser-session-initiate");
  g_autoptr (JaIceUdpTransport) t = parse_first (root);
  g_autoptr (JaXmlNode) eoc_root = load_seed ("browser-end-of-candidates");
  g_autoptr (JaIceUdpTransport) eoc = parse_first (eoc_root);
  g_autoptr (JaXmlNode) trickle_root = load_seed ("browser-trickle-candidate");
  g_autoptr (JaIceUdpTransport) trickle = parse_first (trickle_root);
  g_autoptr (JaXmlNode) built = NULL;
  const JaIceCandidate *c;

  g_assert_cmpstr (t->ufrag, ==, "Hk3d");
  g_assert_cmpint (t->setup, ==, JA_DTLS_SETUP_ACTPASS);
  g_assert_cmpstr (t->fingerprint_hash, ==, "sha-256");
  g_assert_true (g_str_has_prefix (t->fingerprint, "5D:B1:8E"));
  g_assert_cmpuint (t->candidates->len, ==, 2);
  g_assert_cmpuint (t->skipped_candidates, ==, 1);
  c = g_ptr_array_index (t->candidates, 0);
  g_assert_null (c->id);
  g_assert_cmpuint (c->generation, ==, 0);
  g_assert_cmpuint (c->network, ==, 0);
  g_assert_cmpuint (c->port, ==, 54400);
  g_assert_false (t->end_of_candidates);
  assert_round_trip (t);

  g_assert_true (eoc->end_of_candidates);
  g_assert_cmpuint (eoc->candidates->len, ==, 0);
  built = ja_ice_udp_transport_build (eoc);
  g_assert_nonnull (ja_xml_node_find (built, "end-of-candidates",
          JA_NS_ICE_END_OF_CANDIDATES));

  g_assert_cmpuint (trickle->candidates->len, ==, 1);
  c = g_ptr_array_index (trickle->candidates, 0);
  g_assert_cmpint (c->type, ==, JA_ICE_CANDIDATE_RELAY);
  g_assert_cmpuint (c->port, ==, 3478);
}

static void
test_round_trip (void)
{
  g_autoptr (JaIceUdpTransport) t = ja_ice_udp_transport_new ();
  g_autoptr (JaIceUdpTransport) back = NULL;
  g_autoptr (JaXmlNode) node = NULL;
  g_autoptr (GError) error = NULL;
  JaIceCandidate *c = ja_ice_candidate_new ();
  const JaIceCandidate *b;

  t->ufrag = g_strdup ("uf");
  t->pwd = g_strdup ("pw");
  t->fingerprint_hash = g_strdup ("sha-256");
  t->fingerprint = g_strdup ("AB:CD");
  t->setup = JA_DTLS_SETUP_PASSIVE;
  c->component = 256;
  c->foundation = g_strdup ("f1");
  c->generation = 3;
  c->id = g_strdup ("c1");
  c->ip = g_strdup ("2001:db8::1");
  c->network = 7;
  c->port = 65535;
  c->priority = G_MAXUINT32;
  c->protocol = g_strdup ("udp");
  c->rel_addr = g_strdup ("192.0.2.1");
  c->rel_port = 1;
  c->type = JA_ICE_CANDIDATE_PRFLX;
  g_ptr_array_add (t->candidates, c);
  t->remote_candidate = ja_ice_candidate_new ();
  t->remote_candidate->component = 1;
  t->remote_candidate->ip = g_strdup ("192.0.2.9");
  t->remote_candidate->port = 9;
  t->end_of_candidates = TRUE;

  node = ja_ice_udp_transport_build (t);
  back = ja_ice_udp_transport_parse (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->ufrag, ==, "uf");
  g_assert_cmpstr (back->pwd, ==, "pw");
  g_assert_cmpstr (back->fingerprint, ==, "AB:CD");
  g_assert_cmpint (back->setup, ==, JA_DTLS_SETUP_PASSIVE);
  b = g_ptr_array_index (back->candidates, 0);
  g_assert_cmpuint (b->component, ==, 256);
  g_assert_cmpstr (b->foundation, ==, "f1");
  g_assert_cmpuint (b->generation, ==, 3);
  g_assert_cmpstr (b->id, ==, "c1");
  g_assert_cmpstr (b->ip, ==, "2001:db8::1");
  g_assert_cmpuint (b->network, ==, 7);
  g_assert_cmpuint (b->port, ==, 65535);
  g_assert_cmpuint (b->priority, ==, G_MAXUINT32);
  g_assert_cmpstr (b->rel_addr, ==, "192.0.2.1");
  g_assert_cmpuint (b->rel_port, ==, 1);
  g_assert_cmpint (b->type, ==, JA_ICE_CANDIDATE_PRFLX);
  g_assert_nonnull (back->remote_candidate);
  g_assert_cmpstr (back->remote_candidate->ip, ==, "192.0.2.9");
  g_assert_cmpuint (back->remote_candidate->port, ==, 9);
  g_assert_true (back->end_of_candidates);
}

static void
test_setup_strings (void)
{
  static const char *const names[] = { "actpass", "active", "passive",
    "holdconn" };
  JaDtlsSetup s;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    g_assert_true (ja_dtls_setup_from_string (names[i], &s));
    g_assert_cmpstr (ja_dtls_setup_to_string (s), ==, names[i]);
  }
  g_assert_false (ja_dtls_setup_from_string ("ACTIVE", &s));
  g_assert_false (ja_dtls_setup_from_string (NULL, &s));
  g_assert_null (ja_dtls_setup_to_string (JA_DTLS_SETUP_NONE));
}

#define T "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'>"
#define TE "</transport>"
#define CAND(attrs) "<candidate foundation='1' protocol='udp' " attrs "/>"
#define OK_ATTRS "component='1' ip='192.0.2.1' port='3478' priority='1' type='host'"

static const struct {
  const char *xml;
  const char *says;
} malformed[] = {
  { T CAND ("component='1' ip='192.0.2.1' port='0' priority='1' type='host'")
    TE, "port '0'" },
  { T CAND ("component='1' ip='192.0.2.1' port='70000' priority='1' "
        "type='host'") TE, "port '70000'" },
  { T CAND ("component='1' port='3478' priority='1' type='host'") TE,
    "lacks ip" },
  { T CAND ("component='1' ip='' port='3478' priority='1' type='host'") TE,
    "lacks ip" },
  { T CAND ("component='0' ip='192.0.2.1' port='3478' priority='1' "
        "type='host'") TE, "component '0'" },
  { T CAND ("component='257' ip='192.0.2.1' port='3478' priority='1' "
        "type='host'") TE, "component '257'" },
  { T CAND ("ip='192.0.2.1' port='3478' priority='1' type='host'") TE,
    "lacks component" },
  { T CAND ("component='1' ip='192.0.2.1' port='3478' priority='4294967296' "
        "type='host'") TE, "priority" },
  { T CAND ("component='1' ip='192.0.2.1' port='3478' type='host'") TE,
    "lacks priority" },
  { T CAND (OK_ATTRS " generation='-1'") TE, "generation '-1'" },
  { T CAND (OK_ATTRS " network='x'") TE, "network 'x'" },
  { T CAND (OK_ATTRS " rel-port='65536'") TE, "rel-port" },
  { T CAND ("component='1' ip='192.0.2.1' port='3478' priority='1' "
        "type='bogus'") TE, "type 'bogus'" },
  { T CAND ("component='1' ip='192.0.2.1' port='3478' priority='1'") TE,
    "lacks type" },
  { T "<candidate foundation='1' " OK_ATTRS "/>" TE, "lacks protocol" },
  { T "<candidate protocol='udp' " OK_ATTRS "/>" TE, "lacks foundation" },
  { T "<remote-candidate component='1' ip='192.0.2.1' port='0'/>" TE,
    "port '0'" },
  { T "<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' "
    "setup='sometimes'>AB</fingerprint>" TE, "setup 'sometimes'" },
  { T "<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' setup='active'>AB"
    "</fingerprint>" TE, "lacks hash" },
  { T "<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256'/>" TE,
    "empty" },
  { "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:0'/>",
    "not a <transport" },
};

static void
test_malformed (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (JaXmlNode) node = ja_xml_node_parse (malformed[i].xml, -1,
        &error);
    g_autoptr (JaIceUdpTransport) t = NULL;

    g_assert_no_error (error);
    g_test_message ("%s", malformed[i].xml);
    t = ja_ice_udp_transport_parse (node, &error);
    g_assert_null (t);
    g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
    if (strstr (error->message, malformed[i].says) == NULL)
      g_error ("'%s' does not say '%s'", error->message, malformed[i].says);
  }
}

/* TCP candidates are skipped without looking further (they may lack what
 * a udp one needs), as are unknown children; the lenient udp one stays. */
static void
test_lenient (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) node = ja_xml_node_parse (T
      "<candidate foundation='1' protocol='tcp' component='1' ip='192.0.2.1' "
      "  port='9' priority='1' type='host' tcptype='active'/>"
      "<candidate protocol='TCP' port='0'/>"
      CAND (OK_ATTRS)
      "<web-socket xmlns='urn:example'/>" TE, -1, &error);
  g_autoptr (JaIceUdpTransport) t = NULL;

  g_assert_no_error (error);
  t = ja_ice_udp_transport_parse (node, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (t->candidates->len, ==, 1);
  g_assert_cmpuint (t->skipped_candidates, ==, 2);
  g_assert_null (t->ufrag);
  g_assert_cmpint (t->setup, ==, JA_DTLS_SETUP_NONE);
}

/* RFC 8445 §9 / XEP-0176 §ICE Restarts: the peer's credentials tell a
 * restart (both new) from trickle (the same), from its first ones or its
 * answer to our restart (we hold none), and from stale ones (sent before
 * it learnt of our restart). */
static void
test_restart_detection (void)
{
  static const char *const none[] = { NULL };
  static const char *const retired[] = { "8hhy", "asd88fgpdd777uzjYhagZg",
    "old1", "oldpassword0000000000000", NULL };
  g_autoptr (JaXmlNode) first_node = load_seed ("xep-0176-ex01");
  g_autoptr (JaXmlNode) restart_node = load_seed ("xep-0176-ex07");
  g_autoptr (GPtrArray) first = g_ptr_array_new ();
  g_autoptr (GPtrArray) restart = g_ptr_array_new ();
  g_autoptr (JaIceUdpTransport) a = NULL;
  g_autoptr (JaIceUdpTransport) b = NULL;
  g_autoptr (GError) error = NULL;

  collect (first_node, first);
  collect (restart_node, restart);
  g_assert_cmpuint (first->len, >=, 1);
  g_assert_cmpuint (restart->len, ==, 1);
  a = ja_ice_udp_transport_parse (first->pdata[0], &error);
  g_assert_no_error (error);
  b = ja_ice_udp_transport_parse (restart->pdata[0], &error);
  g_assert_no_error (error);
  /* The XEP's restart example: new ufrag/pwd, a generation-1 candidate. */
  g_assert_cmpuint (((JaIceCandidate *) b->candidates->pdata[0])->generation,
      ==, 1);
  g_assert_cmpint (ja_ice_udp_classify_credentials (NULL, NULL, NULL,
          a->ufrag, a->pwd), ==, JA_ICE_UDP_CREDS_FIRST);
  g_assert_cmpint (ja_ice_udp_classify_credentials (a->ufrag, a->pwd, none,
          a->ufrag, a->pwd), ==, JA_ICE_UDP_CREDS_SAME);
  g_assert_cmpint (ja_ice_udp_classify_credentials (a->ufrag, a->pwd, NULL,
          b->ufrag, b->pwd), ==, JA_ICE_UDP_CREDS_RESTART);
  /* Only one of them changed: still a restart (libnice needs both). */
  g_assert_cmpint (ja_ice_udp_classify_credentials (a->ufrag, a->pwd, NULL,
          a->ufrag, b->pwd), ==, JA_ICE_UDP_CREDS_RESTART);
  g_assert_cmpint (ja_ice_udp_classify_credentials (a->ufrag, a->pwd, NULL,
          b->ufrag, a->pwd), ==, JA_ICE_UDP_CREDS_RESTART);
  /* A transport-info without both is candidates only. */
  g_assert_cmpint (ja_ice_udp_classify_credentials (a->ufrag, a->pwd, NULL,
          NULL, NULL), ==, JA_ICE_UDP_CREDS_NONE);
  g_assert_cmpint (ja_ice_udp_classify_credentials (a->ufrag, a->pwd, NULL,
          b->ufrag, NULL), ==, JA_ICE_UDP_CREDS_NONE);
  /* We restarted (current ones retired, none held): the peer's old ones
   * still trickling are stale, its new ones are the answer. */
  g_assert_cmpint (ja_ice_udp_classify_credentials (NULL, NULL, retired,
          a->ufrag, a->pwd), ==, JA_ICE_UDP_CREDS_STALE);
  g_assert_cmpint (ja_ice_udp_classify_credentials (NULL, NULL, retired,
          "old1", "oldpassword0000000000000"), ==, JA_ICE_UDP_CREDS_STALE);
  g_assert_cmpint (ja_ice_udp_classify_credentials (NULL, NULL, retired,
          b->ufrag, b->pwd), ==, JA_ICE_UDP_CREDS_FIRST);
  /* Retired ones stay stale once the answer is held; a retired pair only
   * matches as a pair. */
  g_assert_cmpint (ja_ice_udp_classify_credentials (b->ufrag, b->pwd,
          retired, a->ufrag, a->pwd), ==, JA_ICE_UDP_CREDS_STALE);
  g_assert_cmpint (ja_ice_udp_classify_credentials (b->ufrag, b->pwd,
          retired, a->ufrag, "oldpassword0000000000000"), ==,
      JA_ICE_UDP_CREDS_RESTART);
  g_assert_cmpstr (ja_ice_udp_creds_to_string (JA_ICE_UDP_CREDS_RESTART), ==,
      "restart");
  g_assert_cmpstr (ja_ice_udp_creds_to_string (99), ==, "unknown");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  g_test_add_func ("/ice-udp/codec/xep-examples", test_xep_examples);
  g_test_add_func ("/ice-udp/codec/xep-0176-example-1",
      test_xep_0176_example_1);
  g_test_add_func ("/ice-udp/codec/xep-0320", test_xep_0320);
  g_test_add_func ("/ice-udp/codec/browser", test_browser);
  g_test_add_func ("/ice-udp/codec/round-trip", test_round_trip);
  g_test_add_func ("/ice-udp/codec/setup-strings", test_setup_strings);
  g_test_add_func ("/ice-udp/codec/malformed", test_malformed);
  g_test_add_func ("/ice-udp/codec/lenient", test_lenient);
  g_test_add_func ("/ice-udp/codec/restart-detection",
      test_restart_detection);
  return g_test_run ();
}
