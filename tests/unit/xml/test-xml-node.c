/* test-xml-node.c — the JaXmlNode tree API (xml-node.h): attributes,
 * text, children look-ups, ownership transfer and deep copies. */

#include "signalling/xml/xml-node.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"

static void
test_attrs (void)
{
  g_autoptr (JaXmlNode) node = ja_xml_node_new ("iq", "jabber:client");

  g_assert_cmpstr (node->name, ==, "iq");
  g_assert_cmpstr (node->ns, ==, "jabber:client");
  g_assert_nonnull (node->attrs);
  g_assert_cmpuint (ja_xml_node_get_n_attrs (node), ==, 0);
  g_assert_null (ja_xml_node_get_attr (node, "id"));

  ja_xml_node_set_attr (node, "type", "get");
  ja_xml_node_set_attr (node, "id", "a1");
  ja_xml_node_set_attr (node, "to", "x@y");
  g_assert_cmpuint (ja_xml_node_get_n_attrs (node), ==, 3);
  g_assert_cmpstr (ja_xml_node_get_attr (node, "id"), ==, "a1");

  /* set replaces in place, keeping the order. */
  ja_xml_node_set_attr (node, "type", "set");
  g_assert_cmpuint (ja_xml_node_get_n_attrs (node), ==, 3);
  g_assert_cmpstr (node->attrs->pdata[0], ==, "type");
  g_assert_cmpstr (node->attrs->pdata[1], ==, "set");

  /* NULL removes. */
  ja_xml_node_set_attr (node, "id", NULL);
  ja_xml_node_set_attr (node, "absent", NULL);
  g_assert_cmpuint (ja_xml_node_get_n_attrs (node), ==, 2);
  g_assert_null (ja_xml_node_get_attr (node, "id"));
  g_assert_cmpstr (ja_xml_node_get_attr (node, "to"), ==, "x@y");

  ja_xml_node_set_attr_printf (node, "port", "%u", 8998u);
  g_assert_cmpstr (ja_xml_node_get_attr (node, "port"), ==, "8998");
  ja_xml_node_set_attr_printf (node, "port", "%s-%d", "p", 2);
  g_assert_cmpstr (ja_xml_node_get_attr (node, "port"), ==, "p-2");
  g_assert_cmpuint (ja_xml_node_get_n_attrs (node), ==, 3);
}

static void
test_text (void)
{
  g_autoptr (JaXmlNode) node = ja_xml_node_new ("body", NULL);

  g_assert_cmpstr (ja_xml_node_get_text (node), ==, "");
  g_assert_null (node->text);
  ja_xml_node_append_text (node, "ab", -1);
  ja_xml_node_append_text (node, "cdef", 2);
  ja_xml_node_append_text (node, "", 0);
  g_assert_cmpstr (ja_xml_node_get_text (node), ==, "abcd");
  ja_xml_node_set_text (node, "new");
  g_assert_cmpstr (ja_xml_node_get_text (node), ==, "new");
  ja_xml_node_set_text (node, NULL);
  g_assert_null (node->text);
  g_assert_cmpstr (ja_xml_node_get_text (node), ==, "");
}

static void
test_children (void)
{
  g_autoptr (JaXmlNode) iq = ja_xml_node_new ("iq", "jabber:client");
  g_autoptr (JaXmlNode) stolen = NULL;
  JaXmlNode *jingle;
  JaXmlNode *content;
  JaXmlNode *error;

  g_assert_cmpuint (ja_xml_node_get_n_children (iq), ==, 0);
  g_assert_null (ja_xml_node_get_child (iq, 0));
  g_assert_null (ja_xml_node_find (iq, "jingle", NULL));
  g_assert_null (ja_xml_node_find_ns (iq, NULL));

  jingle = ja_xml_node_add_new (iq, "jingle", "urn:xmpp:jingle:1");
  error = ja_xml_node_add_new (iq, "error", NULL);
  content = ja_xml_node_add_new (jingle, "content", NULL);
  g_assert_true (jingle->parent == iq);
  g_assert_true (content->parent == jingle);
  /* add_new with ns NULL inherits the parent's namespace. */
  g_assert_cmpstr (error->ns, ==, "jabber:client");
  g_assert_cmpstr (content->ns, ==, "urn:xmpp:jingle:1");

  g_assert_cmpuint (ja_xml_node_get_n_children (iq), ==, 2);
  g_assert_true (ja_xml_node_get_child (iq, 0) == jingle);
  g_assert_true (ja_xml_node_get_child (iq, 1) == error);
  g_assert_null (ja_xml_node_get_child (iq, 2));

  g_assert_true (ja_xml_node_find (iq, "jingle", "urn:xmpp:jingle:1")
      == jingle);
  g_assert_true (ja_xml_node_find (iq, "jingle", NULL) == jingle);
  g_assert_null (ja_xml_node_find (iq, "jingle", "jabber:client"));
  g_assert_null (ja_xml_node_find (iq, "content", NULL));
  g_assert_true (ja_xml_node_find_ns (iq, "jabber:client") == error);
  g_assert_true (ja_xml_node_find_ns (iq, NULL) == jingle);
  g_assert_null (ja_xml_node_find_ns (iq, "urn:other"));

  g_assert_true (ja_xml_node_is (jingle, "jingle", "urn:xmpp:jingle:1"));
  g_assert_true (ja_xml_node_is (jingle, "jingle", NULL));
  g_assert_true (ja_xml_node_is (jingle, NULL, "urn:xmpp:jingle:1"));
  g_assert_false (ja_xml_node_is (jingle, "jingle", "jabber:client"));
  g_assert_false (ja_xml_node_is (jingle, "iq", NULL));

  stolen = ja_xml_node_steal_child (iq, jingle);
  g_assert_true (stolen == jingle);
  g_assert_null (stolen->parent);
  g_assert_cmpuint (ja_xml_node_get_n_children (iq), ==, 1);
  g_assert_null (ja_xml_node_steal_child (iq, jingle));
  g_assert_null (ja_xml_node_steal_child (iq, content));
  /* Stealing the last child leaves children NULL, as for a new node. */
  ja_xml_node_free (ja_xml_node_steal_child (iq, error));
  g_assert_null (iq->children);

  /* A stolen child can be added elsewhere. */
  ja_xml_node_add_child (iq, g_steal_pointer (&stolen));
  g_assert_true (jingle->parent == iq);
}

static void
test_copy (void)
{
  g_autoptr (JaXmlNode) msg = ja_xml_node_new ("message", "jabber:client");
  g_autoptr (JaXmlNode) copy = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  JaXmlNode *x;

  ja_xml_node_set_attr (msg, "to", "a@b");
  ja_xml_node_set_text (ja_xml_node_add_new (msg, "body", NULL), "hi");
  x = ja_xml_node_add_new (msg, "error", "urn:e");
  x->prefix = g_strdup ("e");
  ja_xml_node_add_new (x, "deep", NULL);

  copy = ja_xml_node_copy (ja_xml_node_get_child (msg, 1));
  g_assert_null (copy->parent);
  g_assert_cmpstr (copy->prefix, ==, "e");
  g_clear_pointer (&copy, ja_xml_node_free);

  copy = ja_xml_node_copy (msg);
  a = ja_xml_node_to_string (msg, NULL);
  b = ja_xml_node_to_string (copy, NULL);
  g_assert_cmpstr (a, ==, b);
  g_assert_true (ja_xml_node_get_child (copy, 0)->parent == copy);
  /* Deep: changing the copy leaves the original alone. */
  ja_xml_node_set_text (ja_xml_node_get_child (copy, 0), "changed");
  g_assert_cmpstr (ja_xml_node_get_text (ja_xml_node_get_child (msg, 0)), ==,
      "hi");
}

/* Parsed nodes keep their strings inside their own allocation
 * (xml-node-private.h); every way of changing them must still free
 * exactly once (checked under AddressSanitizer). */
static void
test_parsed_ownership (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) node = NULL;
  g_autoptr (JaXmlNode) copy = NULL;
  g_autofree char *s = NULL;
  JaXmlNode *child;

  node = ja_xml_node_parse ("<s:a xmlns:s='urn:s' x='1' y='2' z='3'>"
      "<b xmlns='urn:b' k='v'/></s:a>", -1, &error);
  g_assert_no_error (error);
  ja_xml_node_set_attr (node, "x", "one");        /* replace an inline value */
  ja_xml_node_set_attr (node, "y", NULL);         /* remove an inline pair */
  ja_xml_node_set_attr (node, "w", "new");        /* add a heap pair */
  ja_xml_node_set_attr (node, "w", "newer");      /* replace a heap value */
  ja_xml_node_set_ns (node, "urn:t");
  ja_xml_node_set_prefix (node, "t");
  child = ja_xml_node_get_child (node, 0);
  ja_xml_node_set_prefix (child, "p");
  ja_xml_node_set_prefix (child, NULL);
  ja_xml_node_set_ns (child, NULL);
  ja_xml_node_set_attr (child, "k", NULL);
  g_assert_cmpuint (ja_xml_node_get_n_attrs (child), ==, 0);

  s = ja_xml_node_to_string (node, NULL);
  g_assert_cmpstr (s, ==, "<t:a xmlns:t='urn:t' x='one' z='3' w='newer'>"
      "<b/></t:a>");

  copy = ja_xml_node_copy (node);
  ja_xml_node_set_attr (copy, "z", "changed");
  g_assert_cmpstr (ja_xml_node_get_attr (node, "z"), ==, "3");

  /* The pattern the stream code uses on a new node. */
  g_clear_pointer (&copy, ja_xml_node_free);
  copy = ja_xml_node_new ("error", "http://etherx.jabber.org/streams");
  copy->prefix = g_strdup ("stream");
  ja_xml_node_set_ns (copy, "http://etherx.jabber.org/streams");
  g_assert_cmpstr (copy->ns, ==, "http://etherx.jabber.org/streams");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xml/node/attrs", test_attrs);
  g_test_add_func ("/xml/node/text", test_text);
  g_test_add_func ("/xml/node/children", test_children);
  g_test_add_func ("/xml/node/copy", test_copy);
  g_test_add_func ("/xml/node/parsed-ownership", test_parsed_ownership);

  return g_test_run ();
}
