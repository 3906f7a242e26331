/* test-services.c — parsing what the server offers: XEP-0215 services
 * (with credentials, restricted, bad entries skipped, a bound on count) and
 * XEP-0065 streamhosts. */
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xmpp/services.h"
#include "signalling/xmpp/xmpp-error.h"

static void
test_extdisco (void)
{
  g_autoptr (JaXmlNode) n = ja_xml_node_parse (
      "<services xmlns='urn:xmpp:extdisco:2'>"
      "<service type='stun' host='stun.example' port='3478' transport='udp'/>"
      "<service type='turn' host='turn.example' port='3478' transport='tcp'"
      " username='1700000000' password='c2VjcmV0' restricted='1'"
      " expires='2026-11-26T18:54:34Z'/>"
      "<service type='turn' host='bad.example' port='70000'/>"
      "<service host='no-type.example'/>"
      "<unknown/>"
      "</services>", -1, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) s = ja_extdisco_parse (n, &error);
  JaExtService *turn;

  g_assert_no_error (error);
  g_assert_cmpuint (s->len, ==, 2);
  g_assert_cmpstr (((JaExtService *) s->pdata[0])->type, ==, "stun");
  g_assert_cmpuint (((JaExtService *) s->pdata[0])->port, ==, 3478);
  turn = s->pdata[1];
  g_assert_cmpstr (turn->transport, ==, "tcp");
  g_assert_cmpstr (turn->username, ==, "1700000000");
  g_assert_cmpstr (turn->password, ==, "c2VjcmV0");
  g_assert_true (turn->restricted);
}

static void
test_extdisco_wrong_element (void)
{
  g_autoptr (JaXmlNode) n = ja_xml_node_parse (
      "<services xmlns='urn:xmpp:extdisco:1'/>", -1, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_null (ja_extdisco_parse (n, &error));
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
}

static void
test_extdisco_bounded (void)
{
  g_autoptr (GString) xml = g_string_new ("<services xmlns='urn:xmpp:extdisco:2'>");
  g_autoptr (JaXmlNode) n = NULL;
  g_autoptr (GPtrArray) s = NULL;

  for (guint i = 0; i < 500; i++)
    g_string_append (xml, "<service type='stun' host='h'/>");
  g_string_append (xml, "</services>");
  n = ja_xml_node_parse (xml->str, -1, NULL);
  s = ja_extdisco_parse (n, NULL);
  g_assert_cmpuint (s->len, ==, 64);
}

static void
test_streamhost (void)
{
  g_autoptr (JaXmlNode) n = ja_xml_node_parse (
      "<query xmlns='http://jabber.org/protocol/bytestreams'>"
      "<streamhost jid='proxy.example' host='192.0.2.1' port='7777'/>"
      "</query>", -1, NULL);
  g_autoptr (JaXmlNode) none = ja_xml_node_parse (
      "<query xmlns='http://jabber.org/protocol/bytestreams'>"
      "<streamhost host='192.0.2.1' port='7777'/>"
      "<streamhost jid='p' host='192.0.2.1' port='0'/></query>", -1, NULL);
  g_autoptr (JaS5bProxy) p = ja_s5b_proxy_parse (n, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (p->jid, ==, "proxy.example");
  g_assert_cmpstr (p->host, ==, "192.0.2.1");
  g_assert_cmpuint (p->port, ==, 7777);
  g_assert_null (ja_s5b_proxy_parse (none, &error));
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_ITEM_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xmpp/services/extdisco", test_extdisco);
  g_test_add_func ("/xmpp/services/extdisco-wrong-element",
      test_extdisco_wrong_element);
  g_test_add_func ("/xmpp/services/extdisco-bounded", test_extdisco_bounded);
  g_test_add_func ("/xmpp/services/streamhost", test_streamhost);
  return g_test_run ();
}
