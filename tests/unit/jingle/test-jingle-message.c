/* test-jingle-message.c — the pure parts of the Jingle engine: <jingle/>
 * parse/build (XEP-0166 §7), actions, reasons (§7.4), the JA_JINGLE_ERROR
 * → stanza error mapping (§10), the registry. */
#include "tests/unit/jingle/jingle-test-fakes.h"

#include <string.h>

#include "signalling/jingle/jingle-error.h"
#include "signalling/jingle/jingle-message.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/ns.h"

#define J "xmlns='urn:xmpp:jingle:1'"

static JaJingleMessage *
parse (const char *xml, GError **error)
{
  g_autoptr (JaXmlNode) node = fake_parse (xml);

  return ja_jingle_message_parse (node, error);
}

static void
assert_bad_request (const char *xml)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaJingleMessage) msg = parse (xml, &error);

  g_assert_null (msg);
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
}

/* The session-initiate of XEP-0166 §6.2 (Example 5), abridged candidates. */
static void
test_parse_spec_initiate (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaJingleMessage) msg = parse (
      "<jingle " J " action='session-initiate' "
      "initiator='romeo@montague.lit/orchard' sid='a73sjjvkla37jfea'>"
      "<content creator='initiator' name='voice'>"
      "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>"
      "<payload-type id='96' name='speex' clockrate='16000'/></description>"
      "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' "
      "pwd='asd88fgpdd777uzjYhagZg' ufrag='8hhy'>"
      "<candidate component='1' foundation='1' generation='0' "
      "id='el0747fg11' ip='10.0.1.1' network='1' port='8998' "
      "priority='2130706431' protocol='udp' type='host'/></transport>"
      "</content></jingle>", &error);
  JaJingleMessageContent *c;

  g_assert_no_error (error);
  g_assert_cmpint (msg->action, ==, JA_JINGLE_ACTION_SESSION_INITIATE);
  g_assert_cmpstr (msg->sid, ==, "a73sjjvkla37jfea");
  g_assert_cmpstr (msg->initiator, ==, "romeo@montague.lit/orchard");
  g_assert_null (msg->responder);
  g_assert_cmpuint (msg->contents->len, ==, 1);
  c = g_ptr_array_index (msg->contents, 0);
  g_assert_cmpstr (c->name, ==, "voice");
  g_assert_cmpint (c->creator, ==, JA_JINGLE_ROLE_INITIATOR);
  g_assert_cmpint (c->senders, ==, JA_JINGLE_SENDERS_BOTH);
  g_assert_false (c->has_senders);
  g_assert_null (c->disposition);
  g_assert_cmpstr (c->description->ns, ==, "urn:xmpp:jingle:apps:rtp:1");
  g_assert_cmpstr (ja_xml_node_get_attr (c->transport, "ufrag"), ==, "8hhy");
  g_assert_cmpuint (ja_xml_node_get_n_children (c->transport), ==, 1);
  g_assert_null (c->security);
  g_assert_null (msg->reason);
}

static void
test_roundtrip (void)
{
  g_autoptr (JaJingleMessage) msg = ja_jingle_message_new (
      JA_JINGLE_ACTION_CONTENT_MODIFY, "s1");
  JaJingleMessageContent *c = ja_jingle_message_add_content (msg,
      JA_JINGLE_ROLE_RESPONDER, "video");
  g_autoptr (JaXmlNode) built = NULL;
  g_autoptr (JaXmlNode) rebuilt = NULL;
  g_autoptr (JaJingleMessage) again = NULL;
  g_autoptr (GString) why = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  c->senders = JA_JINGLE_SENDERS_NONE;
  c->has_senders = TRUE;
  c->disposition = g_strdup ("early-session");
  c->description = ja_xml_node_new ("description", "urn:x:a");
  c->transport = ja_xml_node_new ("transport", "urn:x:t");
  c->security = ja_xml_node_new ("security", "urn:x:s");
  ja_jingle_message_set_reason (msg, JA_JINGLE_REASON_ALTERNATIVE_SESSION,
      "use the other one");
  msg->reason->alternative_sid = g_strdup ("b84tkkwlmb48kgfb");
  msg->reason->detail = ja_xml_node_new ("detail", "urn:x:why");
  ja_jingle_message_add_payload (msg, ja_xml_node_new ("ringing", "urn:x:i"));
  msg->responder = g_strdup ("juliet@capulet.lit/balcony");

  built = ja_jingle_message_build (msg);
  again = ja_jingle_message_parse (built, &error);
  g_assert_no_error (error);
  rebuilt = ja_jingle_message_build (again);
  g_assert_true (fake_xml_equal (built, rebuilt, why));
  c = g_ptr_array_index (again->contents, 0);
  g_assert_cmpint (c->creator, ==, JA_JINGLE_ROLE_RESPONDER);
  g_assert_cmpint (c->senders, ==, JA_JINGLE_SENDERS_NONE);
  g_assert_cmpstr (c->disposition, ==, "early-session");
  g_assert_nonnull (c->security);
  g_assert_cmpint (again->reason->condition, ==,
      JA_JINGLE_REASON_ALTERNATIVE_SESSION);
  g_assert_cmpstr (again->reason->alternative_sid, ==, "b84tkkwlmb48kgfb");
  g_assert_cmpstr (again->reason->text, ==, "use the other one");
  g_assert_cmpstr (again->reason->detail->name, ==, "detail");
  g_assert_cmpuint (again->payloads->len, ==, 1);
  g_assert_cmpstr (again->responder, ==, "juliet@capulet.lit/balcony");
}

static void
test_actions (void)
{
  for (guint i = 0; i < JA_JINGLE_N_ACTIONS; i++) {
    JaJingleAction back;

    g_assert_true (ja_jingle_action_from_string (
            ja_jingle_action_to_string (i), &back, NULL));
    g_assert_cmpuint (back, ==, i);
  }
  assert_bad_request ("<jingle " J " action='session-frobnicate' sid='s'/>");
  assert_bad_request ("<jingle " J " sid='s'/>");
}

static void
test_reasons (void)
{
  static const char *const spec[] = { "alternative-session", "busy", "cancel",
    "connectivity-error", "decline", "expired", "failed-application",
    "failed-transport", "general-error", "gone", "incompatible-parameters",
    "media-error", "security-error", "success", "timeout",
    "unsupported-applications", "unsupported-transports" };
  g_autoptr (GError) error = NULL;
  JaJingleReason r;

  g_assert_cmpuint (G_N_ELEMENTS (spec), ==, JA_JINGLE_N_REASONS);
  for (guint i = 0; i < G_N_ELEMENTS (spec); i++) {
    g_assert_true (ja_jingle_reason_from_string (spec[i], &r, NULL));
    g_assert_cmpstr (ja_jingle_reason_to_string (r), ==, spec[i]);
  }
  g_assert_false (ja_jingle_reason_from_string ("bored", &r, &error));
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
}

/* What real clients send: no creator, no senders, no initiator, unknown
 * children, an unknown reason condition. */
static void
test_lenient (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaJingleMessage) msg = parse (
      "<jingle " J " action='session-terminate' sid='x'>"
      "<content name='c'><description xmlns='urn:a'/><foo/>"
      "<transport xmlns='urn:t'/><transport xmlns='urn:t2'/></content>"
      "<unknown-jingle-child/>"
      "<reason><out-of-coffee/><text>bye</text></reason>"
      "<thing xmlns='urn:x:payload'/></jingle>", &error);
  JaJingleMessageContent *c;

  g_assert_no_error (error);
  c = g_ptr_array_index (msg->contents, 0);
  g_assert_cmpint (c->creator, ==, JA_JINGLE_ROLE_INITIATOR);
  g_assert_cmpstr (c->transport->ns, ==, "urn:t");
  g_assert_cmpint (msg->reason->condition, ==, JA_JINGLE_REASON_GENERAL_ERROR);
  g_assert_cmpstr (msg->reason->text, ==, "bye");
  g_assert_cmpuint (msg->payloads->len, ==, 1);
}

static void
test_bounds (void)
{
  g_autoptr (GString) many = g_string_new ("<jingle " J
      " action='content-add' sid='s'>");
  g_autofree char *long_name = g_strnfill (JA_JINGLE_MAX_NAME_BYTES + 1, 'n');
  g_autofree char *ok_name = g_strnfill (JA_JINGLE_MAX_NAME_BYTES, 'n');
  g_autofree char *xml = NULL;
  g_autoptr (JaJingleMessage) ok = NULL;

  for (guint i = 0; i <= JA_JINGLE_MAX_CONTENTS; i++)
    g_string_append_printf (many, "<content creator='initiator' "
        "name='c%u'/>", i);
  g_string_append (many, "</jingle>");
  assert_bad_request (many->str);

  xml = g_strdup_printf ("<jingle " J " action='content-add' sid='s'>"
      "<content creator='initiator' name='%s'/></jingle>", long_name);
  assert_bad_request (xml);
  g_free (xml);
  xml = g_strdup_printf ("<jingle " J " action='content-add' sid='%s'/>",
      long_name);
  assert_bad_request (xml);
  g_free (xml);
  xml = g_strdup_printf ("<jingle " J " action='content-add' sid='s'>"
      "<content creator='initiator' name='%s'/></jingle>", ok_name);
  ok = parse (xml, NULL);
  g_assert_nonnull (ok);
}

/* Browsers' session-initiate: no initiator (the from is used), an XEP-0338
 * BUNDLE <group/> beside the contents, contents without senders. The
 * group is kept as a payload and survives a rebuild. */
static void
test_browser_initiate (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaJingleMessage) msg = parse ("<jingle " J
      " action='session-initiate' sid='0c1ee5a8'>"
      "<group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>"
      "<content name='0'/><content name='1'/></group>"
      "<content creator='initiator' name='0'>"
      "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/>"
      "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/></content>"
      "<content creator='initiator' name='1'>"
      "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'/>"
      "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/></content>"
      "</jingle>", &error);
  g_autoptr (JaXmlNode) built = NULL;
  const JaXmlNode *group = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (msg->action, ==, JA_JINGLE_ACTION_SESSION_INITIATE);
  g_assert_null (msg->initiator);
  g_assert_cmpuint (msg->contents->len, ==, 2);
  g_assert_false (((JaJingleMessageContent *) g_ptr_array_index (
              msg->contents, 0))->has_senders);
  for (guint i = 0; i < msg->payloads->len; i++) {
    const JaXmlNode *p = g_ptr_array_index (msg->payloads, i);

    if (ja_xml_node_is (p, "group", JA_NS_JINGLE_GROUPING))
      group = p;
  }
  g_assert_nonnull (group);
  g_assert_cmpstr (ja_xml_node_get_attr (group, "semantics"), ==, "BUNDLE");
  g_assert_cmpuint (ja_xml_node_get_n_children (group), ==, 2);
  built = ja_jingle_message_build (msg);
  g_assert_nonnull (ja_xml_node_find (built, "group", JA_NS_JINGLE_GROUPING));
  g_assert_null (ja_xml_node_get_attr (built, "initiator"));
}

static void
test_malformed (void)
{
  assert_bad_request ("<jingle " J " action='session-info'/>");
  assert_bad_request ("<jingle " J " action='session-info' sid=''/>");
  assert_bad_request ("<jingle xmlns='urn:xmpp:jingle:0' "
      "action='session-info' sid='s'/>");
  assert_bad_request ("<jingle " J " action='content-add' sid='s'>"
      "<content creator='initiator'/></jingle>");
  assert_bad_request ("<jingle " J " action='content-add' sid='s'>"
      "<content creator='somebody' name='c'/></jingle>");
  assert_bad_request ("<jingle " J " action='content-add' sid='s'>"
      "<content creator='initiator' name='c' senders='all'/></jingle>");
  assert_bad_request ("<jingle " J " action='content-add' sid='s'>"
      "<content name='c'/><content name='c'/></jingle>");
}

/* §10 and §9: each condition, its stanza error and its app element. */
static void
test_error_mapping (void)
{
  static const struct {
    JaJingleError code;
    const char *type, *cond, *app;
  } cases[] = {
    { JA_JINGLE_ERROR_OUT_OF_ORDER, "wait", "unexpected-request",
      "out-of-order" },
    { JA_JINGLE_ERROR_TIE_BREAK, "cancel", "conflict", "tie-break" },
    { JA_JINGLE_ERROR_UNKNOWN_SESSION, "cancel", "item-not-found",
      "unknown-session" },
    /* XEP-0166 §7.2.x example: type='modify'. */
    { JA_JINGLE_ERROR_UNSUPPORTED_INFO, "modify", "feature-not-implemented",
      "unsupported-info" },
    { JA_JINGLE_ERROR_SECURITY_REQUIRED, "modify", "not-acceptable",
      "security-required" },
    { JA_JINGLE_ERROR_UNSUPPORTED_APPLICATIONS, "cancel",
      "feature-not-implemented", NULL },
  };

  ja_jingle_error_register ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) e = g_error_new_literal (JA_JINGLE_ERROR,
        cases[i].code, "x");
    g_autoptr (JaXmlNode) node = ja_xmpp_error_to_node (e);

    g_assert_cmpstr (ja_xml_node_get_attr (node, "type"), ==, cases[i].type);
    g_assert_nonnull (ja_xml_node_find (node, cases[i].cond,
            JA_NS_STANZA_ERRORS));
    if (cases[i].app != NULL)
      g_assert_nonnull (ja_xml_node_find (node, cases[i].app,
              JA_NS_JINGLE_ERRORS));
    else
      g_assert_null (ja_xml_node_find_ns (node, JA_NS_JINGLE_ERRORS));
  }
  {
    g_autoptr (GError) e = g_error_new_literal (JA_JINGLE_ERROR,
        JA_JINGLE_ERROR_UNSUPPORTED_TRANSPORTS, "x");

    g_assert_cmpint (ja_jingle_error_to_reason (e), ==,
        JA_JINGLE_REASON_UNSUPPORTED_TRANSPORTS);
  }
}

static void
test_registry (void)
{
  g_autoptr (JaJingleRegistry) reg = fake_registry_new ();
  g_autoptr (GPtrArray) tried = g_ptr_array_new ();
  g_auto (GStrv) features = ja_jingle_registry_dup_features (reg);
  static const JaJingleTransportKind bad_api = {
    .api = JA_JINGLE_PLUGIN_API + 1, .ns = "urn:x:bad",
  };

  g_assert_cmpuint (ja_jingle_registry_get_n_transports (reg), ==, 3);
  g_assert_true (ja_jingle_registry_get_transport (reg, 0)
      == &fake_tp_high_kind);
  g_assert_true (ja_jingle_registry_get_transport (reg, 2)
      == &fake_tp_low_kind);
  g_assert_true (ja_jingle_registry_next_transport (reg,
          JA_JINGLE_FLAVOR_STREAMING, tried) == &fake_tp_high_kind);
  g_ptr_array_add (tried, (gpointer) &fake_tp_high_kind);
  g_assert_true (ja_jingle_registry_next_transport (reg,
          JA_JINGLE_FLAVOR_STREAMING, tried) == &fake_tp_low_kind);
  g_ptr_array_add (tried, (gpointer) &fake_tp_low_kind);
  g_assert_null (ja_jingle_registry_next_transport (reg,
          JA_JINGLE_FLAVOR_STREAMING, tried));
  g_assert_true (ja_jingle_registry_lookup_app (reg, FAKE_NS_APP)
      == &fake_app_kind);
  g_assert_null (ja_jingle_registry_lookup_app (reg, "urn:nope"));
  g_assert_true (g_strv_contains ((const char *const *) features,
          JA_NS_JINGLE));
  g_assert_true (g_strv_contains ((const char *const *) features,
          FAKE_NS_TP_LOW));

  /* A plugin built against another API is refused at registration. */
  g_test_expect_message ("ja-jingle", G_LOG_LEVEL_CRITICAL, "*api*");
  g_assert_false (ja_jingle_registry_add_transport (reg, &bad_api));
  g_test_assert_expected_messages ();
  g_test_expect_message ("ja-jingle", G_LOG_LEVEL_CRITICAL, "*twice*");
  g_assert_false (ja_jingle_registry_add_app (reg, &fake_app_kind));
  g_test_assert_expected_messages ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/jingle/message/parse-spec-initiate",
      test_parse_spec_initiate);
  g_test_add_func ("/jingle/message/roundtrip", test_roundtrip);
  g_test_add_func ("/jingle/message/actions", test_actions);
  g_test_add_func ("/jingle/message/reasons", test_reasons);
  g_test_add_func ("/jingle/message/lenient", test_lenient);
  g_test_add_func ("/jingle/message/bounds", test_bounds);
  g_test_add_func ("/jingle/message/malformed", test_malformed);
  g_test_add_func ("/jingle/message/browser-initiate", test_browser_initiate);
  g_test_add_func ("/jingle/error/mapping", test_error_mapping);
  g_test_add_func ("/jingle/registry/priority-and-api", test_registry);
  return g_test_run ();
}
