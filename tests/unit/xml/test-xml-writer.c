/* test-xml-writer.c — serialisation (xml-writer.h): XML 1.0 escaping and
 * its round trip through the parser, Namespaces in XML scoping of xmlns
 * and prefixes, xml:lang, the stream header helpers and the pretty form. */

#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"

static char *
escape (const char *s, gssize len)
{
  GString *out = g_string_new (NULL);

  ja_xml_escape_append (out, s, len);
  return g_string_free (out, FALSE);
}

static void
test_escape (void)
{
  g_autofree char *a = escape ("a&b<c>d\"e'f", -1);
  g_autofree char *b = escape ("x\ty\nz\r", -1);
  g_autofree char *c = escape ("\x01ok\x1f\x7f\xc3\xa9", -1);
  g_autofree char *d = escape ("cut<here", 3);
  g_autofree char *e = escape ("", -1);

  g_assert_cmpstr (a, ==, "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  g_assert_cmpstr (b, ==, "x&#9;y&#10;z&#13;");
  /* C0 controls are not XML 1.0 characters: dropped. DEL and UTF-8 stay. */
  g_assert_cmpstr (c, ==, "ok\x7f\xc3\xa9");
  g_assert_cmpstr (d, ==, "cut");
  g_assert_cmpstr (e, ==, "");
}

static void
test_escape_text_vs_attr (void)
{
  g_autoptr (JaXmlNode) node = ja_xml_node_new ("a", NULL);
  g_autofree char *s = NULL;

  ja_xml_node_set_attr (node, "v", "& < > \" ' \t\n\r");
  ja_xml_node_set_text (node, "& < > \" ' \t\n\r\x02");
  s = ja_xml_node_to_string (node, NULL);
  g_assert_cmpstr (s, ==, "<a v='&amp; &lt; &gt; &quot; &apos; &#9;&#10;&#13;'>"
      "&amp; &lt; &gt; \" ' \t\n&#13;</a>");
}

/* Whatever the values, writing then parsing gives them back unchanged. */
static void
test_escape_round_trip (void)
{
  static const char *const values[] = {
    "plain", "", "&amp; is not &", "<tag attr='x'>", "\"double\" 'single'",
    "tab\there", "line\nfeed", "carriage\rreturn", "crlf\r\n",
    "  leading and trailing  ", "]]>", "\xe2\x98\xba snowman \xe2\x98\x83",
    "&#65; literally",
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++) {
    g_autoptr (JaXmlNode) node = ja_xml_node_new ("a", "urn:x");
    g_autoptr (JaXmlNode) back = NULL;
    g_autoptr (GError) error = NULL;
    g_autofree char *s = NULL;

    ja_xml_node_set_attr (node, "v", values[i]);
    ja_xml_node_set_text (node, values[i]);
    s = ja_xml_node_to_string (node, NULL);
    back = ja_xml_node_parse (s, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (ja_xml_node_get_attr (back, "v"), ==, values[i]);
    g_assert_cmpstr (ja_xml_node_get_text (back), ==, values[i]);
  }
}

static void
test_xmlns (void)
{
  g_autoptr (JaXmlNode) iq = ja_xml_node_new ("iq", "jabber:client");
  JaXmlNode *jingle;
  JaXmlNode *content;
  g_autofree char *in_stream = NULL;
  g_autofree char *standalone = NULL;
  g_autofree char *other = NULL;

  ja_xml_node_set_attr (iq, "type", "set");
  jingle = ja_xml_node_add_new (iq, "jingle", "urn:xmpp:jingle:1");
  content = ja_xml_node_add_new (jingle, "content", NULL);
  ja_xml_node_add_new (content, "description", "urn:xmpp:jingle:apps:rtp:1");
  /* Back to the namespace in scope after a sibling changed it. */
  ja_xml_node_add_new (content, "transport", "urn:xmpp:jingle:1");
  /* ns NULL: inherits whatever is in scope, no xmlns. */
  ja_xml_node_add_child (jingle, ja_xml_node_new ("loose", NULL));
  ja_xml_node_add_new (iq, "error", "jabber:client");

  in_stream = ja_xml_node_to_string (iq, "jabber:client");
  g_assert_cmpstr (in_stream, ==, "<iq type='set'>"
      "<jingle xmlns='urn:xmpp:jingle:1'><content>"
      "<description xmlns='urn:xmpp:jingle:apps:rtp:1'/><transport/>"
      "</content><loose/></jingle><error/></iq>");

  standalone = ja_xml_node_to_string (iq, NULL);
  g_assert_cmpstr (standalone, ==, "<iq xmlns='jabber:client' type='set'>"
      "<jingle xmlns='urn:xmpp:jingle:1'><content>"
      "<description xmlns='urn:xmpp:jingle:apps:rtp:1'/><transport/>"
      "</content><loose/></jingle><error/></iq>");

  other = ja_xml_node_to_string (iq, "jabber:server");
  g_assert_true (g_str_has_prefix (other, "<iq xmlns='jabber:client' "));
}

static void
test_prefixes (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) node = NULL;
  g_autofree char *s = NULL;
  g_autofree char *s2 = NULL;

  /* A prefixed element keeps its prefix and does not change the default
   * namespace of its children; a nested use of the same binding is not
   * declared twice. */
  node = ja_xml_node_parse ("<stream:features xmlns='jabber:client' "
      "xmlns:stream='http://etherx.jabber.org/streams'>"
      "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><plain/>"
      "<stream:inner><stream:deeper/></stream:inner>"
      "<s:other xmlns:s='urn:s'/></stream:features>", -1, &error);
  g_assert_no_error (error);
  s = ja_xml_node_to_string (node, "jabber:client");
  g_assert_cmpstr (s, ==, "<stream:features "
      "xmlns:stream='http://etherx.jabber.org/streams'>"
      "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><plain/>"
      "<stream:inner><stream:deeper/></stream:inner>"
      "<s:other xmlns:s='urn:s'/></stream:features>");

  /* The same prefix rebound to another namespace is declared again. */
  g_clear_pointer (&node, ja_xml_node_free);
  node = ja_xml_node_parse ("<p:a xmlns:p='urn:1'><p:b xmlns:p='urn:2'>"
      "<p:c xmlns:p='urn:1'/></p:b></p:a>", -1, &error);
  g_assert_no_error (error);
  s2 = ja_xml_node_to_string (node, NULL);
  g_assert_cmpstr (s2, ==, "<p:a xmlns:p='urn:1'><p:b xmlns:p='urn:2'>"
      "<p:c xmlns:p='urn:1'/></p:b></p:a>");
}

static void
test_namespaced_attrs (void)
{
  g_autoptr (JaXmlNode) node = ja_xml_node_new ("x", "jabber:x:oob");
  g_autoptr (JaXmlNode) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *s = NULL;

  ja_xml_node_set_attr (node, "xml:lang", "de");
  ja_xml_node_set_attr (node, "urn:foo bar", "1");
  ja_xml_node_set_attr (node, "urn:baz qux", "2&");
  ja_xml_node_add_new (node, "y", NULL);
  s = ja_xml_node_to_string (node, NULL);
  g_assert_cmpstr (s, ==, "<x xmlns='jabber:x:oob' xml:lang='de' "
      "xmlns:ns0='urn:foo' ns0:bar='1' xmlns:ns1='urn:baz' ns1:qux='2&amp;'>"
      "<y/></x>");
  back = ja_xml_node_parse (s, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ja_xml_node_get_attr (back, "xml:lang"), ==, "de");
  g_assert_cmpstr (ja_xml_node_get_attr (back, "urn:foo bar"), ==, "1");
  g_assert_cmpstr (ja_xml_node_get_attr (back, "urn:baz qux"), ==, "2&");
}

static void
test_generated_prefix_avoids_element_prefix (void)
{
  g_autoptr (JaXmlNode) node = ja_xml_node_new ("a", "urn:a");
  g_autoptr (JaXmlNode) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *s = NULL;

  node->prefix = g_strdup ("ns0");
  ja_xml_node_set_attr (node, "urn:b c", "1");
  s = ja_xml_node_to_string (node, NULL);
  g_assert_cmpstr (s, ==, "<ns0:a xmlns:ns0='urn:a' xmlns:ns1='urn:b' "
      "ns1:c='1'/>");
  back = ja_xml_node_parse (s, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->ns, ==, "urn:a");
  g_assert_cmpstr (ja_xml_node_get_attr (back, "urn:b c"), ==, "1");
}

static void
test_stream_header (void)
{
  g_autoptr (JaXmlNode) header = ja_xml_node_new ("stream",
      "http://etherx.jabber.org/streams");
  g_autoptr (GString) out = g_string_new ("<?xml version='1.0'?>");
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) back = NULL;

  header->prefix = g_strdup ("stream");
  ja_xml_node_set_attr (header, "to", "example.com");
  ja_xml_node_set_attr (header, "version", "1.0");
  ja_xml_node_set_attr (header, "xml:lang", "en");
  ja_xml_writer_append_open (out, header, NULL, "jabber:client");
  g_assert_cmpstr (out->str, ==, "<?xml version='1.0'?>"
      "<stream:stream xmlns='jabber:client' "
      "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' "
      "version='1.0' xml:lang='en'>");
  g_string_append (out, "<presence/>");
  ja_xml_writer_append_close (out, header);
  g_assert_true (g_str_has_suffix (out->str, "<presence/></stream:stream>"));

  back = ja_xml_node_parse (out->str, out->len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ja_xml_node_get_child (back, 0)->ns, ==, "jabber:client");
}

static void
test_open_unprefixed (void)
{
  g_autoptr (JaXmlNode) root = ja_xml_node_new ("root", "urn:r");
  g_autoptr (GString) out = g_string_new (NULL);

  ja_xml_node_add_new (root, "ignored", NULL);
  /* content_ns only applies to a prefixed element. */
  ja_xml_writer_append_open (out, root, NULL, "jabber:client");
  ja_xml_writer_append_close (out, root);
  g_assert_cmpstr (out->str, ==, "<root xmlns='urn:r'></root>");
}

static void
test_append (void)
{
  g_autoptr (JaXmlNode) node = ja_xml_node_new ("presence", "jabber:client");
  g_autoptr (GString) out = g_string_new ("prefix:");

  ja_xml_writer_append (out, node, "jabber:client");
  ja_xml_writer_append (out, node, NULL);
  g_assert_cmpstr (out->str, ==,
      "prefix:<presence/><presence xmlns='jabber:client'/>");
}

static void
test_pretty (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) node = NULL;
  g_autofree char *s = NULL;
  g_autofree char *leaf = NULL;

  node = ja_xml_node_parse ("<message xmlns='jabber:client' to='a@b'>"
      "<body>Hello &amp; bye</body>"
      "<x xmlns='jabber:x:data' type='submit'><field var='a'><value>1</value>"
      "</field><field var='b'/></x><mixed>text<i/></mixed></message>", -1,
      &error);
  g_assert_no_error (error);
  s = ja_xml_node_to_pretty_string (node, "jabber:client");
  g_assert_cmpstr (s, ==,
      "<message to='a@b'>\n"
      "  <body>Hello &amp; bye</body>\n"
      "  <x xmlns='jabber:x:data' type='submit'>\n"
      "    <field var='a'>\n"
      "      <value>1</value>\n"
      "    </field>\n"
      "    <field var='b'/>\n"
      "  </x>\n"
      "  <mixed>\n"
      "    text\n"
      "    <i/>\n"
      "  </mixed>\n"
      "</message>");
  leaf = ja_xml_node_to_pretty_string (ja_xml_node_get_child (node, 0), NULL);
  g_assert_cmpstr (leaf, ==,
      "<body xmlns='jabber:client'>Hello &amp; bye</body>");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xml/writer/escape", test_escape);
  g_test_add_func ("/xml/writer/escape-text-vs-attr",
      test_escape_text_vs_attr);
  g_test_add_func ("/xml/writer/escape-round-trip", test_escape_round_trip);
  g_test_add_func ("/xml/writer/xmlns", test_xmlns);
  g_test_add_func ("/xml/writer/prefixes", test_prefixes);
  g_test_add_func ("/xml/writer/namespaced-attrs", test_namespaced_attrs);
  g_test_add_func ("/xml/writer/generated-prefix",
      test_generated_prefix_avoids_element_prefix);
  g_test_add_func ("/xml/writer/stream-header", test_stream_header);
  g_test_add_func ("/xml/writer/open-unprefixed", test_open_unprefixed);
  g_test_add_func ("/xml/writer/append", test_append);
  g_test_add_func ("/xml/writer/pretty", test_pretty);

  return g_test_run ();
}
