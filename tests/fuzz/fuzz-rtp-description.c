/* fuzz-rtp-description.c — libFuzzer target for the XEP-0167 description
 * codec (plugins/rtp/rtp-description.c) and the answer to it
 * (rtp-negotiate.c): the input is one XML document; every element named
 * description in the RTP namespace is parsed. Oracles: what parses builds
 * to a tree that parses to the same serialisation; ids stay 0..127; an
 * answer, when there is one, only holds the offer's ids; no input reaches
 * g_warning or g_critical. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "plugins/rtp/rtp-negotiate.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gboolean
has_id (const JaRtpDescription *d, guint8 id)
{
  for (guint i = 0; i < d->payload_types->len; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (d->payload_types, i);

    if (pt->id == id)
      return TRUE;
  }
  return FALSE;
}

static void
check (const JaRtpDescription *d)
{
  g_autoptr (JaXmlNode) built = ja_rtp_description_build (d);
  g_autofree char *xml = ja_xml_node_to_string (built, NULL);
  g_autoptr (JaRtpDescription) again = ja_rtp_description_parse (built, NULL);
  g_autoptr (JaXmlNode) rebuilt = NULL;
  g_autofree char *xml2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JaRtpDescription) answer = NULL;

  g_assert (again != NULL);
  rebuilt = ja_rtp_description_build (again);
  xml2 = ja_xml_node_to_string (rebuilt, NULL);
  g_assert_cmpstr (xml, ==, xml2);

  for (guint i = 0; i < d->payload_types->len; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (d->payload_types, i);

    g_assert_cmpuint (pt->id, <=, 127);
    g_assert_cmpuint (pt->channels, >=, 1);
    (void) ja_rtp_payload_type_get_name (pt);
  }

  answer = ja_rtp_negotiate_answer (d, &error);
  g_assert ((answer == NULL) == (error != NULL));
  if (answer == NULL) {
    g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE);
    return;
  }
  g_assert_cmpuint (answer->payload_types->len, >, 0);
  for (guint i = 0; i < answer->payload_types->len; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (answer->payload_types, i);

    g_assert (has_id (d, pt->id));
  }
  g_assert (ja_rtp_negotiate_send_codec (answer) != NULL);
}

static void
try_node (const JaXmlNode *node)
{
  if (ja_xml_node_is (node, "description", JA_NS_JINGLE_RTP)) {
    g_autoptr (GError) error = NULL;
    g_autoptr (JaRtpDescription) d = ja_rtp_description_parse (node, &error);

    g_assert ((d == NULL) == (error != NULL));
    if (d != NULL)
      check (d);
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

  if (!once) {      /* a peer must never reach g_warning/g_critical */
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    once = TRUE;
  }
  root = ja_xml_node_parse ((const char *) data, size, NULL);
  if (root != NULL)
    try_node (root);
  return 0;
}
