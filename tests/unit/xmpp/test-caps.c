/* test-caps.c — XEP-0115 §5 verification strings and hashes
 * (signalling/xmpp/caps.c): the §5.2 and §5.3 examples, i;octet ordering,
 * and the §5.4 ill-formed and ignored cases. */

#include <string.h>

#include "signalling/xmpp/caps.h"
#include "signalling/xmpp/ns.h"

#define PSI "\xce\xa8"

static const char *const simple_features[] = {
  "http://jabber.org/protocol/disco#info",
  "http://jabber.org/protocol/disco#items",
  "http://jabber.org/protocol/muc",
  "http://jabber.org/protocol/caps",
};

/* <field var=…><value>…</value>…</field>, values NULL-terminated. */
static JaXmlNode *
add_field (JaXmlNode *form, const char *var, const char *type, ...)
{
  JaXmlNode *field = ja_xml_node_add_new (form, "field", NULL);
  const char *value;
  va_list ap;

  ja_xml_node_set_attr (field, "var", var);
  if (type != NULL)
    ja_xml_node_set_attr (field, "type", type);
  va_start (ap, type);
  while ((value = va_arg (ap, const char *)) != NULL) {
    JaXmlNode *v = ja_xml_node_add_new (field, "value", NULL);

    ja_xml_node_set_text (v, value);
  }
  va_end (ap);
  return field;
}

static JaXmlNode *
new_form (const char *form_type)
{
  JaXmlNode *form = ja_xml_node_new ("x", JA_NS_DATA_FORMS);

  ja_xml_node_set_attr (form, "type", "result");
  if (form_type != NULL)
    add_field (form, "FORM_TYPE", "hidden", form_type, NULL);
  return form;
}

/* The XEP-0232 form of the §5.3 example, fields deliberately shuffled. */
static JaXmlNode *
new_softwareinfo_form (void)
{
  JaXmlNode *form = ja_xml_node_new ("x", JA_NS_DATA_FORMS);

  ja_xml_node_set_attr (form, "type", "result");
  add_field (form, "software_version", NULL, "0.11", NULL);
  add_field (form, "ip_version", "text-multi", "ipv6", "ipv4", NULL);
  add_field (form, "FORM_TYPE", "hidden", "urn:xmpp:dataforms:softwareinfo",
      NULL);
  add_field (form, "os", NULL, "Mac", NULL);
  add_field (form, "software", NULL, "Psi", NULL);
  add_field (form, "os_version", NULL, "10.5.1", NULL);
  return form;
}

/* XEP-0115 §5.2. */
static void
test_simple (void)
{
  static const JaCapsIdentity id = { "client", "pc", NULL, "Exodus 0.9.1" };
  g_autofree char *s = ja_caps_verification_string (&id, 1, simple_features,
      G_N_ELEMENTS (simple_features), NULL, 0);
  g_autofree char *ver = ja_caps_hash_sha1 (&id, 1, simple_features,
      G_N_ELEMENTS (simple_features), NULL, 0);

  g_assert_cmpstr (s, ==, "client/pc//Exodus 0.9.1<"
      "http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<"
      "http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<");
  g_assert_cmpstr (ver, ==, "QgayPKawpkPSDYmwT/WM94uAlu0=");
}

/* XEP-0115 §5.3. The XEP renders the names' spaces as &#160; in S, but the
 * published hash is over the ordinary spaces of the disco#info example. */
static void
test_complex (void)
{
  static const JaCapsIdentity ids[] = {
    { "client", "pc", "en", "Psi 0.11" },
    { "client", "pc", "el", PSI " 0.11" },
  };
  g_autoptr (JaXmlNode) form = new_softwareinfo_form ();
  const JaXmlNode *forms[] = { form };
  g_autofree char *s = ja_caps_verification_string (ids, G_N_ELEMENTS (ids),
      simple_features, G_N_ELEMENTS (simple_features), forms, 1);
  g_autofree char *ver = ja_caps_hash_sha1 (ids, G_N_ELEMENTS (ids),
      simple_features, G_N_ELEMENTS (simple_features), forms, 1);

  g_assert_cmpstr (s, ==, "client/pc/el/" PSI " 0.11<client/pc/en/Psi 0.11<"
      "http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<"
      "http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<"
      "urn:xmpp:dataforms:softwareinfo<"
      "ip_version<ipv4<ipv6<os<Mac<os_version<10.5.1<software<Psi<"
      "software_version<0.11<");
  g_assert_cmpstr (ver, ==, "q07IKJEyjvHSyhy//CH0CxmKi8w=");
}

static JaXmlNode *
new_complex_query (void)
{
  JaXmlNode *query = ja_xml_node_new ("query", JA_NS_DISCO_INFO);
  JaXmlNode *node;

  ja_xml_node_set_attr (query, "node",
      "http://psi-im.org#q07IKJEyjvHSyhy//CH0CxmKi8w=");
  node = ja_xml_node_add_new (query, "identity", NULL);
  ja_xml_node_set_attr (node, "xml:lang", "en");
  ja_xml_node_set_attr (node, "category", "client");
  ja_xml_node_set_attr (node, "name", "Psi 0.11");
  ja_xml_node_set_attr (node, "type", "pc");
  node = ja_xml_node_add_new (query, "identity", NULL);
  ja_xml_node_set_attr (node, "xml:lang", "el");
  ja_xml_node_set_attr (node, "category", "client");
  ja_xml_node_set_attr (node, "name", PSI " 0.11");
  ja_xml_node_set_attr (node, "type", "pc");
  for (guint i = 0; i < G_N_ELEMENTS (simple_features); i++) {
    node = ja_xml_node_add_new (query, "feature", NULL);
    ja_xml_node_set_attr (node, "var", simple_features[i]);
  }
  ja_xml_node_add_child (query, new_softwareinfo_form ());
  /* Children of other namespaces are not part of the hash. */
  ja_xml_node_add_new (query, "extra", "urn:example:other");
  return query;
}

static void
test_from_disco_info (void)
{
  g_autoptr (JaXmlNode) query = new_complex_query ();
  g_autofree char *ver = ja_caps_hash_from_disco_info (query);

  g_assert_cmpstr (ver, ==, "q07IKJEyjvHSyhy//CH0CxmKi8w=");
}

/* §5.1: i;octet is byte order: upper case before lower case, ASCII before
 * any UTF-8 lead byte; identities by category, type, then lang. */
static void
test_ordering (void)
{
  static const JaCapsIdentity ids[] = {
    { "client", "pc", "fr", NULL },
    { "client", "bot", NULL, "b" },
    { "client", "pc", NULL, "x" },
    { "account", "registered", NULL, NULL },
  };
  static const char *const features[] = {
    "b", "\xc3\xa9", "a", "B", "a0",
  };
  g_autofree char *s = ja_caps_verification_string (ids, G_N_ELEMENTS (ids),
      features, G_N_ELEMENTS (features), NULL, 0);
  g_autoptr (JaXmlNode) f1 = new_form ("urn:b");
  g_autoptr (JaXmlNode) f2 = new_form ("urn:a");
  const JaXmlNode *forms[] = { f1, f2 };
  g_autofree char *fs = NULL;

  g_assert_cmpstr (s, ==, "account/registered//<client/bot//b<"
      "client/pc//x<client/pc/fr/<B<a<a0<b<\xc3\xa9<");

  add_field (f1, "z", NULL, "2", "10", "1", NULL);
  add_field (f1, "Z", NULL, "v", NULL);
  add_field (f2, "m", NULL, NULL);
  fs = ja_caps_verification_string (NULL, 0, NULL, 0, forms, 2);
  g_assert_cmpstr (fs, ==, "urn:a<m<urn:b<Z<v<z<1<10<2<");
}

static void
test_empty (void)
{
  g_autofree char *s = ja_caps_verification_string (NULL, 0, NULL, 0, NULL,
      0);
  g_autofree char *ver = ja_caps_hash_sha1 (NULL, 0, NULL, 0, NULL, 0);

  g_assert_cmpstr (s, ==, "");
  g_assert_cmpstr (ver, ==, "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
}

/* §5.4 step 3.3–3.5: ill-formed responses give no hash. */
static void
test_ill_formed (void)
{
  static const JaCapsIdentity dup_ids[] = {
    { "client", "pc", "en", "Psi" },
    { "client", "pc", "en", "Psi" },
  };
  static const JaCapsIdentity id = { "client", "pc", NULL, NULL };
  static const char *const dup_features[] = { "a", "b", "a" };
  g_autoptr (JaXmlNode) f1 = new_form ("urn:a");
  g_autoptr (JaXmlNode) f2 = new_form ("urn:a");
  g_autoptr (JaXmlNode) f3 = new_form (NULL);
  g_autoptr (JaXmlNode) f4 = new_form ("urn:a");
  const JaXmlNode *dup_forms[] = { f1, f2 };
  const JaXmlNode *multi_value[] = { f3 };
  const JaXmlNode *two_type_fields[] = { f4 };
  g_autofree char *same_values = NULL;

  g_assert_null (ja_caps_hash_sha1 (dup_ids, 2, NULL, 0, NULL, 0));
  g_assert_null (ja_caps_hash_sha1 (&id, 1, dup_features, 3, NULL, 0));
  g_assert_null (ja_caps_hash_sha1 (&id, 1, NULL, 0, dup_forms, 2));

  add_field (f3, "FORM_TYPE", "hidden", "urn:a", "urn:b", NULL);
  g_assert_null (ja_caps_hash_sha1 (&id, 1, NULL, 0, multi_value, 1));
  add_field (f4, "FORM_TYPE", "hidden", "urn:a", NULL);
  g_assert_null (ja_caps_hash_sha1 (&id, 1, NULL, 0, two_type_fields, 1));

  /* Repeating one and the same FORM_TYPE value is not ill-formed. */
  ja_xml_node_free (ja_xml_node_steal_child (f3,
      ja_xml_node_get_child (f3, 0)));
  add_field (f3, "FORM_TYPE", "hidden", "urn:a", "urn:a", NULL);
  same_values = ja_caps_verification_string (&id, 1, NULL, 0, multi_value,
      1);
  g_assert_cmpstr (same_values, ==, "client/pc//<urn:a<");
}

static void
test_ill_formed_disco_info (void)
{
  g_autoptr (JaXmlNode) no_category = new_complex_query ();
  g_autoptr (JaXmlNode) no_var = new_complex_query ();
  g_autoptr (JaXmlNode) dup = new_complex_query ();
  JaXmlNode *node;

  node = ja_xml_node_add_new (no_category, "identity", NULL);
  ja_xml_node_set_attr (node, "type", "pc");
  g_assert_null (ja_caps_hash_from_disco_info (no_category));

  ja_xml_node_add_new (no_var, "feature", NULL);
  g_assert_null (ja_caps_hash_from_disco_info (no_var));

  node = ja_xml_node_add_new (dup, "feature", NULL);
  ja_xml_node_set_attr (node, "var", "http://jabber.org/protocol/muc");
  g_assert_null (ja_caps_hash_from_disco_info (dup));
}

/* §5.4 step 3.6: a form without FORM_TYPE, or whose FORM_TYPE is not
 * hidden, is left out of S. */
static void
test_ignored_forms (void)
{
  static const JaCapsIdentity id = { "client", "pc", NULL, "n" };
  g_autoptr (JaXmlNode) untyped = new_form (NULL);
  g_autoptr (JaXmlNode) visible = new_form (NULL);
  g_autoptr (JaXmlNode) good = new_form ("urn:good");
  const JaXmlNode *forms[] = { untyped, visible, good };
  g_autofree char *s = NULL;

  add_field (untyped, "os", NULL, "Mac", NULL);
  add_field (visible, "FORM_TYPE", "text-single", "urn:visible", NULL);
  add_field (good, "os", NULL, "Mac", NULL);
  /* A field in another namespace is not a form field. */
  ja_xml_node_set_attr (ja_xml_node_add_child (good,
          ja_xml_node_new ("field", "urn:example")), "var", "zz");

  s = ja_caps_verification_string (&id, 1, NULL, 0, forms, 3);
  g_assert_cmpstr (s, ==, "client/pc//n<urn:good<os<Mac<");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/caps/simple", test_simple);
  g_test_add_func ("/xmpp/caps/complex", test_complex);
  g_test_add_func ("/xmpp/caps/from-disco-info", test_from_disco_info);
  g_test_add_func ("/xmpp/caps/ordering", test_ordering);
  g_test_add_func ("/xmpp/caps/empty", test_empty);
  g_test_add_func ("/xmpp/caps/ill-formed", test_ill_formed);
  g_test_add_func ("/xmpp/caps/ill-formed-disco-info",
      test_ill_formed_disco_info);
  g_test_add_func ("/xmpp/caps/ignored-forms", test_ignored_forms);

  return g_test_run ();
}
