/* rtp-info.h — XEP-0167 §7 informational messages: the payload of a
 * session-info in 'urn:xmpp:jingle:apps:rtp:info:1' (active, hold, unhold,
 * mute, unmute, ringing) as plain data, pure parse/build. */
#pragma once

#include <glib.h>
#include "signalling/xml/xml-node.h"
#include "signalling/jingle/jingle-message.h"

G_BEGIN_DECLS

typedef enum {
  JA_RTP_INFO_ACTIVE,
  JA_RTP_INFO_HOLD,
  JA_RTP_INFO_UNHOLD,
  JA_RTP_INFO_MUTE,
  JA_RTP_INFO_UNMUTE,
  JA_RTP_INFO_RINGING,
} JaRtpInfoType;

/* The element name ("mute", …); from_string is FALSE on other names. */
const char *ja_rtp_info_type_to_string (JaRtpInfoType type);
gboolean ja_rtp_info_type_from_string (const char *name, JaRtpInfoType *out);

typedef struct {
  JaRtpInfoType type;
  JaJingleRole creator;         /* mute/unmute only (required there) */
  char *name;                   /* mute/unmute: the content; NULL = all */
} JaRtpInfo;

JaRtpInfo *ja_rtp_info_new (JaRtpInfoType type);
void ja_rtp_info_free (JaRtpInfo *info);

/* node: one payload child of a session-info <jingle/>. An element in
 * another namespace or unknown in this one is
 * JA_XMPP_ERROR_FEATURE_NOT_IMPLEMENTED (the caller answers
 * unsupported-info); a malformed one JA_XMPP_ERROR_BAD_REQUEST.
 * (transfer full) */
JaRtpInfo *ja_rtp_info_parse (const JaXmlNode *node, GError **error);
/* (transfer full) the namespaced payload element. */
JaXmlNode *ja_rtp_info_build (const JaRtpInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaRtpInfo, ja_rtp_info_free)

G_END_DECLS
