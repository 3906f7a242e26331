/* rtp-info.c — XEP-0167 §7 session-info payloads (see rtp-info.h). */

#include "plugins/rtp/rtp-info.h"

#include <string.h>

#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

#define MAX_NAME_BYTES 1024

static const char *const type_names[] = {
  [JA_RTP_INFO_ACTIVE] = "active",
  [JA_RTP_INFO_HOLD] = "hold",
  [JA_RTP_INFO_UNHOLD] = "unhold",
  [JA_RTP_INFO_MUTE] = "mute",
  [JA_RTP_INFO_UNMUTE] = "unmute",
  [JA_RTP_INFO_RINGING] = "ringing",
};

const char *
ja_rtp_info_type_to_string (JaRtpInfoType type)
{
  if ((guint) type >= G_N_ELEMENTS (type_names))
    return NULL;
  return type_names[type];
}

gboolean
ja_rtp_info_type_from_string (const char *name, JaRtpInfoType *out)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (type_names); i++) {
    if (strcmp (name, type_names[i]) == 0) {
      *out = (JaRtpInfoType) i;
      return TRUE;
    }
  }
  return FALSE;
}

JaRtpInfo *
ja_rtp_info_new (JaRtpInfoType type)
{
  JaRtpInfo *info = g_new0 (JaRtpInfo, 1);

  info->type = type;
  return info;
}

void
ja_rtp_info_free (JaRtpInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info);
}

static gboolean
is_muting (JaRtpInfoType type)
{
  return type == JA_RTP_INFO_MUTE || type == JA_RTP_INFO_UNMUTE;
}

JaRtpInfo *
ja_rtp_info_parse (const JaXmlNode *node, GError **error)
{
  g_autoptr (JaRtpInfo) info = NULL;
  const char *creator, *name;
  JaRtpInfoType type;

  g_return_val_if_fail (node != NULL, NULL);

  if (g_strcmp0 (node->ns, JA_NS_JINGLE_RTP_INFO) != 0
      || !ja_rtp_info_type_from_string (node->name, &type)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_FEATURE_NOT_IMPLEMENTED,
        "unsupported session-info payload <%.32s/>", node->name);
    return NULL;
  }
  info = ja_rtp_info_new (type);
  if (!is_muting (type))
    return g_steal_pointer (&info);

  creator = ja_xml_node_get_attr (node, "creator");
  name = ja_xml_node_get_attr (node, "name");
  if (!ja_jingle_role_from_string (creator, &info->creator, NULL)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "<%s/> creator is neither initiator nor responder", node->name);
    return NULL;
  }
  if (name != NULL && (name[0] == '\0' || strlen (name) > MAX_NAME_BYTES)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "<%s/> name is empty or too long", node->name);
    return NULL;
  }
  info->name = g_strdup (name);
  return g_steal_pointer (&info);
}

JaXmlNode *
ja_rtp_info_build (const JaRtpInfo *info)
{
  JaXmlNode *node;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (ja_rtp_info_type_to_string (info->type) != NULL,
      NULL);

  node = ja_xml_node_new (ja_rtp_info_type_to_string (info->type),
      JA_NS_JINGLE_RTP_INFO);
  if (is_muting (info->type)) {
    ja_xml_node_set_attr (node, "creator",
        ja_jingle_role_to_string (info->creator));
    if (info->name != NULL)
      ja_xml_node_set_attr (node, "name", info->name);
  }
  return node;
}
