/* test-jingle-jmi.c — XEP-0353 Jingle Message Initiation payloads
 * (signalling/jingle/jingle-jmi.c): the XEP's examples (the fuzz seeds,
 * extracted from the spec), round trips of every element, and malformed
 * payloads, which must be JA_XMPP_ERROR_BAD_REQUEST. */

#include <string.h>

#include <glib.h>

#include "signalling/jingle/jingle-jmi.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

static JaXmlNode *
load_seed (const char *name)
{
  g_autofree char *path = g_build_filename (JA_CORPUS_DIR, "jingle-jmi", name,
      NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;
  JaXmlNode *node;

  g_assert_true (g_file_get_contents (path, &text, &len, &error));
  node = ja_xml_node_parse (text, len, &error);
  g_assert_no_error (error);
  return node;
}

static JaXmlNode *
parse_xml (const char *xml)
{
  g_autoptr (GError) error = NULL;
  JaXmlNode *node = ja_xml_node_parse (xml, -1, &error);

  g_assert_no_error (error);
  return node;
}

/* Every <message/> of the examples with a JMI payload parses. */
static void
collect_messages (const JaXmlNode *node, GPtrArray *out)
{
  if (strcmp (node->name, "message") == 0 && ja_jmi_in_message (node))
    g_ptr_array_add (out, (gpointer) node);
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++)
    collect_messages (ja_xml_node_get_child (node, i), out);
}

static void
test_xep_examples (void)
{
  g_autofree char *path = g_build_filename (JA_CORPUS_DIR, "jingle-jmi", NULL);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint seen[JA_JMI_FINISH + 1] = { 0 };

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL) {
    g_autoptr (JaXmlNode) root = NULL;
    g_autoptr (GPtrArray) messages = g_ptr_array_new ();

    if (!g_str_has_prefix (name, "xep-"))
      continue;
    root = load_seed (name);
    collect_messages (root, messages);
    for (guint i = 0; i < messages->len; i++) {
      g_autoptr (GError) error = NULL;
      g_autoptr (JaJmi) jmi = ja_jmi_parse (g_ptr_array_index (messages, i),
          &error);

      g_assert_no_error (error);
      g_assert_cmpuint (strlen (jmi->id), >, 0);
      seen[jmi->action]++;
      if (jmi->action == JA_JMI_PROPOSE)
        g_assert_true (ja_jmi_has_media (jmi, "audio"));
    }
  }
  /* The spec shows propose, ringing, proceed, reject, retract, finish. */
  g_assert_cmpuint (seen[JA_JMI_PROPOSE], >, 0);
  g_assert_cmpuint (seen[JA_JMI_RINGING], >, 0);
  g_assert_cmpuint (seen[JA_JMI_PROCEED], >, 0);
  g_assert_cmpuint (seen[JA_JMI_REJECT], >, 0);
  g_assert_cmpuint (seen[JA_JMI_RETRACT], >, 0);
  g_assert_cmpuint (seen[JA_JMI_FINISH], >, 0);
}

/* §Intent example, and the tie-break reject (corrected: the spec's
 * closes <retract> with </reject>). */
static void
test_spec_details (void)
{
  g_autoptr (JaXmlNode) propose_root = load_seed ("xep-0353-ex01");
  g_autoptr (JaXmlNode) tie_root = load_seed ("xep-0353-ex11-fixed");
  g_autoptr (GPtrArray) messages = g_ptr_array_new ();
  g_autoptr (JaJmi) propose = NULL;
  g_autoptr (JaJmi) reject = NULL;
  g_autoptr (JaJmi) retract = NULL;
  g_autoptr (GError) error = NULL;

  propose = ja_jmi_parse (propose_root, &error);
  g_assert_no_error (error);
  g_assert_cmpint (propose->action, ==, JA_JMI_PROPOSE);
  g_assert_cmpstr (propose->id, ==, "ca3cf894-5325-482f-a412-a6e9f832298d");
  g_assert_cmpuint (propose->descriptions->len, ==, 1);
  g_assert_true (ja_jmi_has_media (propose, "audio"));
  g_assert_false (ja_jmi_has_media (propose, "video"));

  collect_messages (tie_root, messages);
  g_assert_cmpuint (messages->len, ==, 2);
  reject = ja_jmi_parse (g_ptr_array_index (messages, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpint (reject->action, ==, JA_JMI_REJECT);
  g_assert_true (reject->has_reason);
  g_assert_cmpint (reject->reason, ==, JA_JINGLE_REASON_EXPIRED);
  g_assert_cmpstr (reject->reason_text, ==, "Tie-Break");
  g_assert_true (reject->tie_break);
  retract = ja_jmi_parse (g_ptr_array_index (messages, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpint (retract->action, ==, JA_JMI_RETRACT);
  g_assert_true (retract->tie_break);
}

static void
test_round_trip (void)
{
  for (JaJmiAction a = JA_JMI_PROPOSE; a <= JA_JMI_FINISH; a++) {
    g_autoptr (JaJmi) jmi = ja_jmi_new (a, "ca3cf894");
    g_autoptr (JaXmlNode) node = NULL;
    g_autoptr (JaJmi) back = NULL;
    g_autoptr (GError) error = NULL;

    if (a == JA_JMI_PROPOSE) {
      JaXmlNode *d = ja_xml_node_new ("description", JA_NS_JINGLE_RTP);

      ja_xml_node_set_attr (d, "media", "video");
      ja_jmi_add_description (jmi, d);
    }
    if (a == JA_JMI_REJECT || a == JA_JMI_RETRACT || a == JA_JMI_FINISH)
      ja_jmi_set_reason (jmi, JA_JINGLE_REASON_DECLINE, "not now");
    if (a == JA_JMI_REJECT)
      jmi->tie_break = TRUE;
    if (a == JA_JMI_FINISH)
      jmi->migrated_to = g_strdup ("989a46a6");

    node = ja_jmi_build (jmi);
    g_assert_cmpstr (node->ns, ==, JA_NS_JINGLE_MESSAGE);
    g_assert_cmpstr (node->name, ==, ja_jmi_action_to_string (a));
    back = ja_jmi_parse (node, &error);
    g_assert_no_error (error);
    g_assert_cmpint (back->action, ==, a);
    g_assert_cmpstr (back->id, ==, "ca3cf894");
    g_assert_cmpuint (back->descriptions->len, ==, jmi->descriptions->len);
    g_assert_cmpint (back->has_reason, ==, jmi->has_reason);
    g_assert_cmpstr (back->reason_text, ==, jmi->reason_text);
    if (jmi->has_reason)
      g_assert_cmpint (back->reason, ==, JA_JINGLE_REASON_DECLINE);
    g_assert_cmpint (back->tie_break, ==, jmi->tie_break);
    g_assert_cmpstr (back->migrated_to, ==, jmi->migrated_to);
    if (a == JA_JMI_PROPOSE)
      g_assert_true (ja_jmi_has_media (back, "video"));
  }
}

static void
test_malformed (void)
{
  static const struct {
    const char *xml;
    const char *says;
  } cases[] = {
    { "<propose xmlns='urn:xmpp:jingle-message:0' id='x'/>",
      "without a description" },
    { "<ringing xmlns='urn:xmpp:jingle-message:0'/>", "valid id" },
    { "<proceed xmlns='urn:xmpp:jingle-message:0' id=''/>", "valid id" },
    { "<invite xmlns='urn:xmpp:jingle-message:0' id='x'/>", "<invite/>" },
    { "<retract xmlns='urn:xmpp:jingle-message:0' id='x'>"
      "<reason xmlns='urn:xmpp:jingle:1'><sleepy/></reason></retract>",
      "sleepy" },
    { "<reject xmlns='urn:xmpp:jingle-message:0' id='x'>"
      "<reason xmlns='urn:xmpp:jingle:1'><text>no</text></reason></reject>",
      "condition" },
    { "<finish xmlns='urn:xmpp:jingle-message:0' id='x'><migrated/></finish>",
      "migrated" },
    { "<message xmlns='jabber:client'><body>hi</body></message>",
      "jingle-message" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (JaXmlNode) node = parse_xml (cases[i].xml);
    g_autoptr (GError) error = NULL;
    g_autoptr (JaJmi) jmi = ja_jmi_parse (node, &error);

    g_test_message ("%s", cases[i].xml);
    g_assert_null (jmi);
    g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
    if (strstr (error->message, cases[i].says) == NULL)
      g_error ("'%s' does not say '%s'", error->message, cases[i].says);
  }
}

/* <accept/> of the schema (v0.4/0.5 peers) parses; ignored extras stay
 * ignored. */
static void
test_lenient (void)
{
  g_autoptr (JaXmlNode) node = parse_xml ("<message xmlns='jabber:client'>"
      "<store xmlns='urn:xmpp:hints'/>"
      "<accept xmlns='urn:xmpp:jingle-message:0' id='a1'>"
      "<extra xmlns='urn:example'/></accept></message>");
  g_autoptr (GError) error = NULL;
  g_autoptr (JaJmi) jmi = ja_jmi_parse (node, &error);

  g_assert_no_error (error);
  g_assert_cmpint (jmi->action, ==, JA_JMI_ACCEPT);
  g_assert_cmpstr (jmi->id, ==, "a1");
  g_assert_false (jmi->has_reason);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  g_test_add_func ("/jingle/jmi/xep-examples", test_xep_examples);
  g_test_add_func ("/jingle/jmi/spec-details", test_spec_details);
  g_test_add_func ("/jingle/jmi/round-trip", test_round_trip);
  g_test_add_func ("/jingle/jmi/malformed", test_malformed);
  g_test_add_func ("/jingle/jmi/lenient", test_lenient);
  return g_test_run ();
}
