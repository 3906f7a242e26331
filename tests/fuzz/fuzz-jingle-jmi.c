/* fuzz-jingle-jmi.c — libFuzzer target for the XEP-0353 codec
 * (signalling/jingle/jingle-jmi.c): every element of the input document
 * (a <message/> or a payload) is parsed. Oracles: a propose has at least
 * one description; what parses builds to a payload that parses to the
 * same serialisation; refusals are bad-request; no warnings. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "signalling/jingle/jingle-jmi.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/xmpp-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (const JaJmi *jmi)
{
  g_autoptr (JaXmlNode) built = ja_jmi_build (jmi);
  g_autofree char *xml = ja_xml_node_to_string (built, NULL);
  g_autoptr (JaJmi) again = ja_jmi_parse (built, NULL);
  g_autoptr (JaXmlNode) rebuilt = NULL;
  g_autofree char *xml2 = NULL;

  g_assert (jmi->id != NULL && jmi->id[0] != '\0');
  g_assert (jmi->action != JA_JMI_PROPOSE || jmi->descriptions->len > 0);
  g_assert (again != NULL);
  g_assert_cmpint (again->action, ==, jmi->action);
  rebuilt = ja_jmi_build (again);
  xml2 = ja_xml_node_to_string (rebuilt, NULL);
  g_assert_cmpstr (xml, ==, xml2);
}

static void
try_node (const JaXmlNode *node)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaJmi) jmi = ja_jmi_parse (node, &error);

  g_assert ((jmi == NULL) == (error != NULL));
  if (jmi != NULL)
    check (jmi);
  else
    g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++)
    try_node (ja_xml_node_get_child (node, i));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean once;
  g_autoptr (JaXmlNode) root = NULL;

  if (!once) {
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    once = TRUE;
  }
  root = ja_xml_node_parse ((const char *) data, size, NULL);
  if (root != NULL)
    try_node (root);
  return 0;
}
