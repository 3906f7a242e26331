/* fuzz-services.c — libFuzzer target for what a server (or any peer) sends
 * back to discovery: the input is parsed as one XML document, then run
 * through the XEP-0215 services parser, the XEP-0065 streamhost parser, the
 * XEP-0115 caps hash of a disco#info answer, and the stanza-error parser.
 * No input may reach g_warning or g_critical. */
#include <stdint.h>

#include <glib.h>

#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xmpp/caps.h"
#include "signalling/xmpp/services.h"
#include "signalling/xmpp/xmpp-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean once;
  g_autoptr (JaXmlNode) node = NULL;
  g_autoptr (GPtrArray) services = NULL;
  g_autoptr (JaS5bProxy) proxy = NULL;
  g_autoptr (GError) stanza_error = NULL;
  g_autofree char *hash = NULL;

  if (!once) {
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    once = TRUE;
  }
  node = ja_xml_node_parse ((const char *) data, size, NULL);
  if (node == NULL)
    return 0;
  services = ja_extdisco_parse (node, NULL);
  proxy = ja_s5b_proxy_parse (node, NULL);
  hash = ja_caps_hash_from_disco_info (node);
  stanza_error = ja_xmpp_error_from_stanza (node);
  return 0;
}
