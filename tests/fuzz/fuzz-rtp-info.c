/* fuzz-rtp-info.c — libFuzzer target for the XEP-0167 session-info
 * payloads (plugins/rtp/rtp-info.c): every element of the input document
 * is tried. Oracles: what parses builds back to what parses the same; a
 * refusal is bad-request or feature-not-implemented; no warnings. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "plugins/rtp/rtp-info.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xmpp/xmpp-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
try_node (const JaXmlNode *node)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaRtpInfo) info = ja_rtp_info_parse (node, &error);

  g_assert ((info == NULL) == (error != NULL));
  if (info != NULL) {
    g_autoptr (JaXmlNode) built = ja_rtp_info_build (info);
    g_autoptr (JaRtpInfo) again = ja_rtp_info_parse (built, NULL);

    g_assert (again != NULL);
    g_assert_cmpint (again->type, ==, info->type);
    g_assert_cmpint (again->creator, ==, info->creator);
    g_assert_cmpstr (again->name, ==, info->name);
  } else {
    g_assert (g_error_matches (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST)
        || g_error_matches (error, JA_XMPP_ERROR,
            JA_XMPP_ERROR_FEATURE_NOT_IMPLEMENTED));
  }
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
