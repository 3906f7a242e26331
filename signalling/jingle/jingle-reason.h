/* jingle-reason.h — the <reason/> conditions of XEP-0166 §7.4 (every one in
 * the schema, in its order), as a wire enum with its string pair. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  JA_JINGLE_REASON_ALTERNATIVE_SESSION,
  JA_JINGLE_REASON_BUSY,
  JA_JINGLE_REASON_CANCEL,
  JA_JINGLE_REASON_CONNECTIVITY_ERROR,
  JA_JINGLE_REASON_DECLINE,
  JA_JINGLE_REASON_EXPIRED,
  JA_JINGLE_REASON_FAILED_APPLICATION,
  JA_JINGLE_REASON_FAILED_TRANSPORT,
  JA_JINGLE_REASON_GENERAL_ERROR,
  JA_JINGLE_REASON_GONE,
  JA_JINGLE_REASON_INCOMPATIBLE_PARAMETERS,
  JA_JINGLE_REASON_MEDIA_ERROR,
  JA_JINGLE_REASON_SECURITY_ERROR,
  JA_JINGLE_REASON_SUCCESS,
  JA_JINGLE_REASON_TIMEOUT,
  JA_JINGLE_REASON_UNSUPPORTED_APPLICATIONS,
  JA_JINGLE_REASON_UNSUPPORTED_TRANSPORTS,
  JA_JINGLE_N_REASONS
} JaJingleReason;

/* The condition element's name, e.g. "failed-transport". */
const char *ja_jingle_reason_to_string (JaJingleReason reason);
/* An unknown name is a JA_XMPP_ERROR_BAD_REQUEST. */
gboolean ja_jingle_reason_from_string (const char *name, JaJingleReason *out,
    GError **error);

G_END_DECLS
