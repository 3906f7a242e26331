/* fuzz-ice-udp-transport.c — libFuzzer target for the XEP-0176/XEP-0320
 * transport codec (plugins/ice-udp/ice-udp-codec.c): every <transport/> in
 * the ice-udp namespace of the input document is parsed. Oracles: kept
 * candidates are udp with numbers in range; the restart check classifies
 * any credentials; what parses builds to a tree
 * that parses to the same serialisation; no warnings. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "plugins/ice-udp/ice-udp-codec.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (const JaIceUdpTransport *t)
{
  g_autoptr (JaXmlNode) built = ja_ice_udp_transport_build (t);
  g_autofree char *xml = ja_xml_node_to_string (built, NULL);
  g_autoptr (JaIceUdpTransport) again = ja_ice_udp_transport_parse (built,
      NULL);
  g_autoptr (JaXmlNode) rebuilt = NULL;
  g_autofree char *xml2 = NULL;

  for (guint i = 0; i < t->candidates->len; i++) {
    const JaIceCandidate *c = g_ptr_array_index (t->candidates, i);

    g_assert_cmpstr (c->protocol, ==, "udp");
    g_assert (c->port >= 1 && c->port <= 65535);
    g_assert (c->component >= 1 && c->component <= 256);
    g_assert (c->ip != NULL && c->foundation != NULL);
  }
  g_assert (again != NULL);
  g_assert_cmpuint (again->candidates->len, ==, t->candidates->len);
  /* The restart check on the peer's credentials: against themselves they
   * are the same, against the XEP-0176 example ones (one retired) new. */
  {
    static const char *const retired[] = { "8hhy", "asd88fgpdd777uzjYhagZg",
      NULL };
    JaIceUdpCreds c = ja_ice_udp_classify_credentials ("g7qs",
        "bv71hdn38hgb39hf6xlk33", retired, t->ufrag, t->pwd);

    g_assert (c != JA_ICE_UDP_CREDS_FIRST);
    g_assert ((c == JA_ICE_UDP_CREDS_NONE)
        == (t->ufrag == NULL || t->pwd == NULL));
    if (t->ufrag != NULL && t->pwd != NULL)
      g_assert_cmpint (ja_ice_udp_classify_credentials (t->ufrag, t->pwd,
              retired, t->ufrag, t->pwd), ==, JA_ICE_UDP_CREDS_SAME);
  }
  rebuilt = ja_ice_udp_transport_build (again);
  xml2 = ja_xml_node_to_string (rebuilt, NULL);
  g_assert_cmpstr (xml, ==, xml2);
}

static void
try_node (const JaXmlNode *node)
{
  if (ja_xml_node_is (node, "transport", JA_NS_JINGLE_ICE_UDP)) {
    g_autoptr (GError) error = NULL;
    g_autoptr (JaIceUdpTransport) t = ja_ice_udp_transport_parse (node,
        &error);

    g_assert ((t == NULL) == (error != NULL));
    if (t != NULL)
      check (t);
    else
      g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
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
