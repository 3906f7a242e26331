/* test-xmpp-error.c — GError ↔ <error/>: RFC 6120 types per condition,
 * application conditions through a registered mapper, text kept, and
 * parsing an error stanza back. */
#include <gio/gio.h>

#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/xmpp-error.h"

static void
test_round_trip (void)
{
  g_autoptr (GError) e = g_error_new_literal (JA_XMPP_ERROR,
      JA_XMPP_ERROR_SERVICE_UNAVAILABLE, "nobody home");
  g_autoptr (JaXmlNode) err = ja_xmpp_error_to_node (e);
  g_autoptr (JaXmlNode) iq = ja_xml_node_new ("iq", "jabber:client");
  g_autoptr (GError) back = NULL;

  g_assert_cmpstr (ja_xml_node_get_attr (err, "type"), ==, "cancel");
  g_assert_nonnull (ja_xml_node_find (err, "service-unavailable",
          "urn:ietf:params:xml:ns:xmpp-stanzas"));
  ja_xml_node_add_child (iq, g_steal_pointer (&err));
  back = ja_xmpp_error_from_stanza (iq);
  g_assert_error (back, JA_XMPP_ERROR, JA_XMPP_ERROR_SERVICE_UNAVAILABLE);
  g_assert_cmpstr (back->message, ==, "service-unavailable: nobody home");
}

static void
test_types (void)
{
  JaXmppErrorCondition c;

  g_assert_cmpstr (ja_xmpp_error_condition_type (JA_XMPP_ERROR_BAD_REQUEST),
      ==, "modify");
  g_assert_cmpstr (ja_xmpp_error_condition_type (JA_XMPP_ERROR_NOT_AUTHORIZED),
      ==, "auth");
  g_assert_cmpstr (ja_xmpp_error_condition_type (
          JA_XMPP_ERROR_RESOURCE_CONSTRAINT), ==, "wait");
  for (guint i = 0; i < JA_XMPP_ERROR_N_CONDITIONS; i++) {
    g_assert_true (ja_xmpp_error_condition_from_string (
            ja_xmpp_error_condition_to_string (i), &c));
    g_assert_cmpuint (c, ==, i);
  }
  g_assert_false (ja_xmpp_error_condition_from_string ("made-up", &c));
}

static JaXmppErrorCondition
test_mapper (const GError *error, JaXmlNode **app, const char **type)
{
  *app = ja_xml_node_new ("unknown-session", "urn:xmpp:jingle:errors:1");
  *type = "modify";
  return JA_XMPP_ERROR_ITEM_NOT_FOUND;
}

static void
test_mapper_domain (void)
{
  GQuark domain = g_quark_from_static_string ("test-app-error");
  g_autoptr (GError) e = g_error_new_literal (domain, 1, "no such sid");
  g_autoptr (GError) other = g_error_new_literal (G_IO_ERROR,
      G_IO_ERROR_FAILED, "oops");
  g_autoptr (JaXmlNode) err = NULL;
  g_autoptr (JaXmlNode) undef = NULL;
  g_autofree char *xml = NULL;

  ja_xmpp_error_register_domain (domain, test_mapper);
  err = ja_xmpp_error_to_node (e);
  xml = ja_xml_node_to_string (err, "jabber:client");
  g_assert_nonnull (ja_xml_node_find (err, "item-not-found", NULL));
  /* The mapper may override RFC 6120's usual type. */
  g_assert_cmpstr (ja_xml_node_get_attr (err, "type"), ==, "modify");
  g_assert_nonnull (ja_xml_node_find (err, "unknown-session",
          "urn:xmpp:jingle:errors:1"));
  g_assert_nonnull (ja_xml_node_find (err, "text", NULL));
  /* A domain nobody registered becomes undefined-condition. */
  undef = ja_xmpp_error_to_node (other);
  g_assert_nonnull (ja_xml_node_find (undef, "undefined-condition", NULL));
}

static void
test_missing_error (void)
{
  g_autoptr (JaXmlNode) iq = ja_xml_node_parse (
      "<iq xmlns='jabber:client' type='error' id='1'/>", -1, NULL);
  g_autoptr (GError) e = ja_xmpp_error_from_stanza (iq);

  g_assert_error (e, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xmpp/error/round-trip", test_round_trip);
  g_test_add_func ("/xmpp/error/types", test_types);
  g_test_add_func ("/xmpp/error/mapper", test_mapper_domain);
  g_test_add_func ("/xmpp/error/missing-error", test_missing_error);
  return g_test_run ();
}
